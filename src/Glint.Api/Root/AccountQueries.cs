using Glint.Api.Access;
using Glint.Api.Errors;
using Glint.Api.Types;
using Glint.Data.Users;
using Glint.Wallet.Accounts;
using Glint.Wallet.Queries;
using GraphQL;

namespace Glint.Api.Root;

/// <summary>The resolvers of the account queries.</summary>
public static class AccountQueries
{
    public static async Task<User> MeAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return await context.Service<WalletQueries>().FindUserAsync(context.Account().UserId, context.CancellationToken)
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
