using Glint.Api.Errors;
using Glint.Data.Wallets;
using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class AccountUpdateDefaultWalletIdPayloadType : ObjectGraphType<AccountUpdateDefaultWalletIdPayloadType.Source>
{
    public AccountUpdateDefaultWalletIdPayloadType()
    {
        Name = "AccountUpdateDefaultWalletIdPayload";
        Field<ConsumerAccountType>("account").Resolve(context => context.Source.Account);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ErrorType>>>>("errors").Resolve(context => context.Source.Errors);
    }

    public sealed record Source(IReadOnlyList<ApiError> Errors, WalletAccount? Account);
}
