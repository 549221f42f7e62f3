using Glint.Api.Access;
using Glint.Api.Accounts;
using Glint.Api.Types;
using GraphQL;

namespace Glint.Api.Root;

/// <summary>
/// The mutations that change how the caller signs in (email, phone, TOTP); first-party sessions only. A refusal
/// comes back in the payload's <c>errors</c>, as in Blink.
/// </summary>
public static class SignInMutations
{
    public static async Task<UserEmailRegistrationInitiatePayloadType.Source> EmailInitiateAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var userId = context.Account().UserId;
        var (registrationId, error) = await Methods(context)
            .InitiateEmailAsync(userId, context.GetArgument<string>("input"), context.RemoteAddress() ?? "", context.CancellationToken);
        return error is not null
            ? new([error], null, null)
            : new([], registrationId, await context.Service<Wallets.Queries.WalletQueries>().FindUserAsync(userId, context.CancellationToken));
    }

    public static async Task<MePayload> EmailValidateAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetArgument<CodeInput>("input");
        return MePayload.From(await Methods(context)
            .ValidateEmailAsync(context.Account().UserId, input.RegistrationId, input.Code, context.RemoteAddress() ?? "", context.CancellationToken));
    }

    public static async Task<MePayload> EmailDeleteAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return MePayload.From(await Methods(context).DeleteEmailAsync(context.Account().UserId, context.CancellationToken));
    }

    public static async Task<MePayload> PhoneDeleteAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return MePayload.From(await Methods(context).DeletePhoneAsync(context.Account().UserId, context.CancellationToken));
    }

    public static async Task<UserTotpRegistrationInitiatePayloadType.Source> TotpInitiateAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (registrationId, secret, error) = await Methods(context).InitiateTotpAsync(context.Account().UserId, context.CancellationToken);
        return new(error is null ? [] : [error], registrationId, secret);
    }

    public static async Task<MePayload> TotpValidateAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetArgument<CodeInput>("input");
        return MePayload.From(await Methods(context).ValidateTotpAsync(context.Account().UserId, input.RegistrationId, input.Code, context.CancellationToken));
    }

    public static async Task<MePayload> TotpDeleteAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return MePayload.From(await Methods(context).DeleteTotpAsync(context.Account().UserId, context.CancellationToken));
    }

    private static SignInMethods Methods(IResolveFieldContext context) => context.Service<SignInMethods>();
}
