using Glint.Api.Errors;
using Glint.Api.Scalars;
using Glint.Data.Users;
using GraphQL.Types;

namespace Glint.Api.Types;

/// <summary>Blink's <c>UserEmailRegistrationInitiateInput</c>; parses to its one value, the address.</summary>
public sealed class UserEmailRegistrationInitiateInputType : InputObjectGraphType<string>
{
    public UserEmailRegistrationInitiateInputType()
    {
        Name = "UserEmailRegistrationInitiateInput";
        Field<NonNullGraphType<EmailAddressType>>("email");
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return (string)value["email"]!;
    }
}

public sealed class UserEmailRegistrationInitiatePayloadType : ObjectGraphType<UserEmailRegistrationInitiatePayloadType.Source>
{
    public UserEmailRegistrationInitiatePayloadType()
    {
        Name = "UserEmailRegistrationInitiatePayload";
        Field<EmailRegistrationIdType>("emailRegistrationId").Resolve(context => context.Source.RegistrationId);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ErrorType>>>>("errors").Resolve(context => context.Source.Errors);
        Field<UserType>("me").Resolve(context => context.Source.Me);
    }

    public sealed record Source(IReadOnlyList<ApiError> Errors, string? RegistrationId, User? Me);
}

/// <summary>Blink's <c>UserEmailRegistrationValidateInput</c>.</summary>
public sealed class UserEmailRegistrationValidateInputType : InputObjectGraphType<CodeInput>
{
    public UserEmailRegistrationValidateInputType()
    {
        Name = "UserEmailRegistrationValidateInput";
        Field<NonNullGraphType<OneTimeAuthCodeType>>("code");
        Field<NonNullGraphType<EmailRegistrationIdType>>("emailRegistrationId");
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new CodeInput((string)value["emailRegistrationId"]!, (string)value["code"]!);
    }
}

/// <summary>Blink's <c>UserTotpRegistrationValidateInput</c>. The optional auth token is the caller's own session, which already authenticated the call.</summary>
public sealed class UserTotpRegistrationValidateInputType : InputObjectGraphType<CodeInput>
{
    public UserTotpRegistrationValidateInputType()
    {
        Name = "UserTotpRegistrationValidateInput";
        Field<AuthTokenType>("authToken");
        Field<NonNullGraphType<TotpCodeType>>("totpCode");
        Field<NonNullGraphType<TotpRegistrationIdType>>("totpRegistrationId");
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new CodeInput((string)value["totpRegistrationId"]!, (string)value["totpCode"]!);
    }
}

/// <summary>A registration in progress and the code that completes it.</summary>
public sealed record CodeInput(string RegistrationId, string Code);

public sealed class UserTotpRegistrationInitiatePayloadType : ObjectGraphType<UserTotpRegistrationInitiatePayloadType.Source>
{
    public UserTotpRegistrationInitiatePayloadType()
    {
        Name = "UserTotpRegistrationInitiatePayload";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ErrorType>>>>("errors").Resolve(context => context.Source.Errors);
        Field<TotpRegistrationIdType>("totpRegistrationId").Resolve(context => context.Source.RegistrationId);
        Field<TotpSecretType>("totpSecret").Resolve(context => context.Source.Secret);
    }

    public sealed record Source(IReadOnlyList<ApiError> Errors, string? RegistrationId, string? Secret);
}

/// <summary>What the user mutations return: the caller as they now are, or the errors.</summary>
public sealed record MePayload(IReadOnlyList<ApiError> Errors, User? Me)
{
    public static MePayload From((User? Me, ApiError? Error) result) => new(result.Error is null ? [] : [result.Error], result.Me);
}

/// <summary>Blink's payloads that carry <c>errors</c> and <c>me</c>, one GraphQL type each.</summary>
public abstract class MePayloadType : ObjectGraphType<MePayload>
{
    protected MePayloadType(string name)
    {
        Name = name;
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ErrorType>>>>("errors").Resolve(context => context.Source.Errors);
        Field<UserType>("me").Resolve(context => context.Source.Me);
    }
}

public sealed class UserEmailRegistrationValidatePayloadType() : MePayloadType("UserEmailRegistrationValidatePayload");

public sealed class UserEmailDeletePayloadType() : MePayloadType("UserEmailDeletePayload");

public sealed class UserPhoneDeletePayloadType() : MePayloadType("UserPhoneDeletePayload");

public sealed class UserTotpRegistrationValidatePayloadType() : MePayloadType("UserTotpRegistrationValidatePayload");

public sealed class UserTotpDeletePayloadType() : MePayloadType("UserTotpDeletePayload");

public sealed class AccountDeletePayloadType : ObjectGraphType<SuccessPayloadType.Source>
{
    public AccountDeletePayloadType()
    {
        Name = "AccountDeletePayload";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ErrorType>>>>("errors").Resolve(context => context.Source.Errors);
        Field<NonNullGraphType<BooleanGraphType>>("success").Resolve(context => context.Source.Success);
    }
}
