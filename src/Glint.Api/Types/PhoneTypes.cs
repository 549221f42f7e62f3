using Glint.Api.Errors;
using Glint.Api.Scalars;
using Glint.Data.Users;
using GraphQL.Types;

namespace Glint.Api.Types;

/// <summary>A phone number and the code sent to it, as typed: the resolvers check and normalize the number.</summary>
public sealed record PhoneCodeInput(string Phone, string Code);

public sealed record PhoneCodeRequest(string Phone, string? Channel);

public sealed class UserPhoneRegistrationInitiateInputType : InputObjectGraphType<PhoneCodeRequest>
{
    public UserPhoneRegistrationInitiateInputType()
    {
        Name = "UserPhoneRegistrationInitiateInput";
        Field<PhoneCodeChannelTypeType>("channel");
        Field<NonNullGraphType<PhoneType>>("phone");
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new PhoneCodeRequest((string)value["phone"]!, value.TryGetValue("channel", out var channel) ? channel as string : null);
    }
}

/// <summary>The input of <c>userPhoneRegistrationValidate</c>, <c>userLogin</c> and <c>userLoginUpgrade</c>: the same two fields under three names.</summary>
public abstract class PhoneCodeInputType : InputObjectGraphType<PhoneCodeInput>
{
    protected PhoneCodeInputType(string name)
    {
        Name = name;
        Field<NonNullGraphType<OneTimeAuthCodeType>>("code");
        Field<NonNullGraphType<PhoneType>>("phone");
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new PhoneCodeInput((string)value["phone"]!, (string)value["code"]!);
    }
}

public sealed class UserPhoneRegistrationValidateInputType() : PhoneCodeInputType("UserPhoneRegistrationValidateInput");

public sealed class UserLoginInputType() : PhoneCodeInputType("UserLoginInput");

public sealed class UserLoginUpgradeInputType() : PhoneCodeInputType("UserLoginUpgradeInput");

public sealed class UserPhoneRegistrationValidatePayloadType : ObjectGraphType<UserPhoneRegistrationValidatePayloadType.Source>
{
    public UserPhoneRegistrationValidatePayloadType()
    {
        Name = "UserPhoneRegistrationValidatePayload";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ErrorType>>>>("errors").Resolve(context => context.Source.Errors);
        Field<UserType>("me").Resolve(context => context.Source.Me);
    }

    public sealed record Source(IReadOnlyList<ApiError> Errors, User? Me);
}

public sealed class AuthTokenPayloadType : ObjectGraphType<AuthTokenPayloadType.Source>
{
    public AuthTokenPayloadType()
    {
        Name = "AuthTokenPayload";
        Field<AuthTokenType>("authToken").Resolve(context => context.Source.AuthToken);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ErrorType>>>>("errors").Resolve(context => context.Source.Errors);
        Field<BooleanGraphType>("totpRequired").Resolve(context => context.Source.TotpRequired);
    }

    public sealed record Source(IReadOnlyList<ApiError> Errors, string? AuthToken = null, bool? TotpRequired = null);
}

public sealed class UpgradePayloadType : ObjectGraphType<UpgradePayloadType.Source>
{
    public UpgradePayloadType()
    {
        Name = "UpgradePayload";
        Field<AuthTokenType>("authToken").Resolve(context => context.Source.AuthToken);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ErrorType>>>>("errors").Resolve(context => context.Source.Errors);
        Field<NonNullGraphType<BooleanGraphType>>("success").Resolve(context => context.Source.Success);
    }

    public sealed record Source(IReadOnlyList<ApiError> Errors, bool Success, string? AuthToken = null);
}
