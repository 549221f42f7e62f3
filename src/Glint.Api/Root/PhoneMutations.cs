using Glint.Api.Access;
using Glint.Api.Errors;
using Glint.Api.Types;
using Glint.Auth.SessionTokens;
using Glint.Login.Codes;
using Glint.Login.Phones;
using Glint.Wallets.Queries;
using GraphQL;

namespace Glint.Api.Root;

/// <summary>
/// Blink's phone mutations: adding a number to the account (<c>userPhoneRegistrationInitiate</c> / <c>Validate</c>),
/// signing in with a number and its code (<c>userLogin</c>, the code from <c>POST /auth/phone/code</c>) and
/// <c>userLoginUpgrade</c>. Refusals come back in the payload's <c>errors</c> with Blink's codes; the codes, limits and
/// attempts are the sign-in ones. Adding a number is for first-party sessions only, as every change to how a user
/// signs in: an OAuth token or API key gets Blink's "Not authorized".
/// </summary>
public static class PhoneMutations
{
    public static async Task<SuccessPayloadType.Source> RegistrationInitiateAsync(IResolveFieldContext context)
    {
        var userId = SessionUser(context);
        var input = context.GetArgument<PhoneCodeRequest>("input");
        if (E164.Normalize(input.Phone) is not { } phone)
        {
            return new([InvalidPhone], false);
        }

        if (input.Channel is { } channel && channel != "SMS")
        {
            return new([new ApiError("INVALID_INPUT", $"channel: codes are sent by SMS only, not by {channel}.")], false);
        }

        var result = await context.Service<PhoneRegistration>().SendCodeAsync(userId, phone, context.RemoteAddress() ?? "", context.CancellationToken);
        return result.Step == PhoneStep.Done ? new([], true) : new([Error(result)], false);
    }

    public static async Task<UserPhoneRegistrationValidatePayloadType.Source> RegistrationValidateAsync(IResolveFieldContext context)
    {
        var userId = SessionUser(context);
        var input = context.GetArgument<PhoneCodeInput>("input");
        if (E164.Normalize(input.Phone) is not { } phone)
        {
            return new([InvalidPhone], null);
        }

        var registration = context.Service<PhoneRegistration>();
        if ((await context.Service<WalletQueries>().FindUserAsync(userId, context.CancellationToken))?.Phone is not null)
        {
            return new([new ApiError("PHONE_ALREADY_ATTACHED_ERROR", PhoneRegistration.AlreadyAttachedMessage)], null);
        }

        var confirmed = await registration.ConfirmAsync(userId, phone, input.Code, context.RemoteAddress() ?? "", orSignInCode: false, context.CancellationToken);
        if (confirmed.Step != PhoneStep.Done)
        {
            return new([Error(confirmed)], null);
        }

        var attached = await registration.AttachAsync(userId, phone, context.CancellationToken);
        return attached.Step == PhoneStep.Done ? new([], attached.User) : new([Error(attached)], null);
    }

    /// <summary><c>userLogin</c>: needs no credentials; Blink's <c>POST /auth/phone/login</c> as a mutation.</summary>
    public static async Task<AuthTokenPayloadType.Source> LoginAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetArgument<PhoneCodeInput>("input");
        if (E164.Normalize(input.Phone) is not { } phone)
        {
            return new([InvalidPhone]);
        }

        var login = context.Service<EmailLogin>();
        var sessions = context.Service<SessionTokenStore>();
        var outcome = await login.LatestAttemptAsync(phone, null, context.CancellationToken) is { } attempt
            ? await login.CheckCodeAsync(attempt, null, input.Code, context.RemoteAddress() ?? "", context.CancellationToken)
            : LoginOutcome.Invalid;
        switch (outcome)
        {
            case LoginOutcome.LoggedIn loggedIn:
                return new([], await sessions.IssueAsync(loggedIn.User.Id, null, context.CancellationToken), false);
            case LoginOutcome.TotpRequired totp:
                // A token that works only once POST /auth/totp/validate passes, as Blink's.
                var userId = await login.UserOfAsync(totp.AttemptId, context.CancellationToken);
                return new([], await sessions.IssueAsync(userId, totp.AttemptId, context.CancellationToken), true);
            case LoginOutcome.Refused refused:
                return new([Error(PhoneResult.From(refused))]);
            default:
                throw new InvalidOperationException("Checking a code has no other outcome.");
        }
    }

    /// <summary>
    /// <c>userLoginUpgrade</c>: Blink upgrades a device account to a phone account. Glint has no device accounts, so
    /// the caller's own account takes the number (as <c>userPhoneRegistrationValidate</c>, also with a sign-in code);
    /// when the number already signs in another account, the caller gets that account's session instead, provided
    /// their own wallets are empty (else Blink's "sweep funds" error).
    /// </summary>
    public static async Task<UpgradePayloadType.Source> LoginUpgradeAsync(IResolveFieldContext context)
    {
        var userId = SessionUser(context);
        var input = context.GetArgument<PhoneCodeInput>("input");
        if (E164.Normalize(input.Phone) is not { } phone)
        {
            return new([InvalidPhone], false);
        }

        var registration = context.Service<PhoneRegistration>();
        var confirmed = await registration.ConfirmAsync(userId, phone, input.Code, context.RemoteAddress() ?? "", orSignInCode: true, context.CancellationToken);
        if (confirmed.Step != PhoneStep.Done)
        {
            return new([Error(confirmed)], false);
        }

        if (await registration.OwnerAsync(phone, context.CancellationToken) is { } owner && owner.Id != userId)
        {
            var wallets = await context.Service<WalletQueries>().WalletsAsync(context.Account().Id, context.CancellationToken);
            if (wallets.Any(wallet => wallet.Balance != 0))
            {
                return new([new ApiError("PHONE_ACCOUNT_ALREADY_EXISTS_NEED_TO_SWEEP_FUNDS_ERROR",
                    "Error phone account already exists. You need to manually sweep funds to your phone account")], false);
            }

            if (owner.TotpSecret is not null || owner.Status != Data.Users.UserStatus.Active)
            {
                // That account needs its second factor (or is locked): only a full sign-in with the number can open it.
                return new([new ApiError("PHONE_ACCOUNT_ALREADY_EXISTS_ERROR", PhoneRegistration.TakenMessage)], false);
            }

            return new([], true, await context.Service<SessionTokenStore>().IssueAsync(owner.Id, null, context.CancellationToken));
        }

        var attached = await registration.AttachAsync(userId, phone, context.CancellationToken);
        return attached.Step == PhoneStep.Done ? new([], true) : new([Error(attached)], false);
    }

    private static ApiError InvalidPhone { get; } = new("INVALID_INPUT", "phone: Phone number is not a valid phone number. " + E164.Rule);

    /// <summary>The caller's user: the field's access rule (<c>FirstPartyOnly</c>) admitted only a first-party session.</summary>
    private static Guid SessionUser(IResolveFieldContext context) => context.Account().UserId;

    private static ApiError Error(PhoneResult result) => new(result.Step switch
    {
        PhoneStep.AlreadyAttached => "PHONE_ALREADY_ATTACHED_ERROR",
        PhoneStep.TakenByAnotherUser => "PHONE_ACCOUNT_ALREADY_EXISTS_ERROR",
        PhoneStep.TooManyCodes or PhoneStep.TooManyAttempts => "TOO_MANY_REQUEST",
        PhoneStep.NotDelivered => "PHONE_PROVIDER_ERROR",
        _ => "PHONE_CODE_ERROR",
    }, result.Message);
}
