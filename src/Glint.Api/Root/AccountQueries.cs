using System.Collections.Frozen;
using Glint.Api.Access;
using Glint.Api.Errors;
using Glint.Api.Types;
using Glint.Data.Users;
using Glint.Wallets.Accounts;
using Glint.Wallets.Queries;
using GraphQL;

namespace Glint.Api.Root;

/// <summary>The resolvers of the account queries.</summary>
public static class AccountQueries
{
    // The fields of `me` that need only the user's id and the account the scope guard has already read. A query that
    // asks for nothing else, as the balance and transaction queries of Blink's apps do, skips reading the user row.
    private static readonly FrozenSet<string> FieldsWithoutUserRow = FrozenSet.Create(StringComparer.Ordinal,
        "id", "defaultAccount", "apiKeys", "username", "__typename");

    public static async Task<User> MeAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var userId = context.Account().UserId;
        if (context.SubFields is { Count: > 0 } fields && fields.Values.All(field => FieldsWithoutUserRow.Contains(field.Field.Name.StringValue)))
        {
            return new User { Id = userId };
        }

        return await context.Service<WalletQueries>().FindUserAsync(userId, context.CancellationToken)
            ?? throw ApiErrors.NotAuthorized();
    }

    /// <summary>
    /// Blink's <c>resolveScopes</c>: an inactive account may only read; a session token has them all, any other credential
    /// the scopes it was granted (those the API knows).
    /// </summary>
    public static AuthorizationType.Source Authorization(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var caller = context.Caller();
        string[] all = [Caller.ReadScope, Caller.WriteScope, Caller.ReceiveScope];
        if (context.Account().Status != "active")
        {
            return new([Caller.ReadScope]);
        }

        return new(caller.Unrestricted ? all : [.. all.Where(caller.Scopes.Contains)]);
    }

    public static async Task<Data.Wallets.Wallet> DefaultWalletAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var username = context.GetArgument<string>("username");
        var queries = context.Service<WalletQueries>();
        var account = await queries.FindAccountByUsernameAsync(username, context.CancellationToken)
            ?? throw ApiErrors.NotFound($"Account does not exist for username {username}");
        var currency = context.GetArgument<string?>("walletCurrency");
        var wallets = await queries.WalletsAsync(account.Id, context.CancellationToken);
        var wallet = currency is null
            ? wallets.FirstOrDefault(w => w.Id == account.DefaultWalletId)
            : wallets.FirstOrDefault(w => w.Currency == currency);
        return wallet ?? throw ApiErrors.NotFound($"Account {username} has no {currency ?? "default"} wallet");
    }

    public static async Task<bool> UsernameAvailableAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var username = context.GetArgument<string>("username");
        return Usernames.IsValid(username) &&
            await context.Service<WalletQueries>().FindAccountByUsernameAsync(username, context.CancellationToken) is null;
    }
}
