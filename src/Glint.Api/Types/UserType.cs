using System.Globalization;
using Glint.Api.Access;
using Glint.Api.Scalars;
using Glint.Data.Users;
using Glint.Data.Wallets;
using Glint.Wallets.Queries;
using GraphQL;
using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class UserType : ObjectGraphType<User>
{
    public UserType()
    {
        Name = "User";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(context => context.Source.Id.ToString("D", CultureInfo.InvariantCulture));
        Field<NonNullGraphType<TimestampType>>("createdAt").Resolve(context => context.Source.CreatedAt);
        Field<NonNullGraphType<AccountType>>("defaultAccount").ResolveAsync(async context => await AccountOfAsync(context));
        Field<EmailType>("email").Description("The user's email address and whether it is verified.")
            .Resolve(context => new EmailType.Source(context.Source.Email, context.Source.EmailVerified));
        Field<NonNullGraphType<LanguageType>>("language").Description("Preferred language; empty means the app's own choice.")
            .Resolve(context => context.Source.Language);
        Field<PhoneType>("phone").Description("The user's phone number, with its country code.").Resolve(context => context.Source.Phone);
        Field<NonNullGraphType<BooleanGraphType>>("totpEnabled").Description("Whether the user signs in with a code from an authenticator app too.")
            .Resolve(context => context.Source.TotpSecret is not null);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ApiKeys.ApiKeyType>>>>("apiKeys").Description("The user's API keys: active, expired and revoked.")
            .ResolveAsync(async context => await ApiKeys.ApiKeyMutations.ListAsync(context));
        Field<UsernameType>("username").Description("The account's username, once set; it never changes.")
            .DeprecationReason("Kept for Blink's apps; the username belongs to the account.")
            .ResolveAsync(async context => (await AccountOfAsync(context)).Username);
    }

    /// <summary>The user's account: the caller's, already loaded, or read for another user.</summary>
    private static async Task<WalletAccount> AccountOfAsync(IResolveFieldContext<User> context)
    {
        if (context.Caller().Account is { } account && account.UserId == context.Source.Id)
        {
            return account;
        }

        return await context.Service<WalletQueries>().FindAccountOfUserAsync(context.Source.Id, context.CancellationToken)
            ?? throw new InvalidOperationException($"User {context.Source.Id} has no account.");
    }
}
