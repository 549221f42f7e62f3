using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Glint.Auth;

/// <summary>
/// The OAuth2 server's metrics and spans (meter and activity source <c>Glint.Auth</c>) and its log event ids,
/// 4100–4299. Instruments are static and their tags are identifiers already in hand, so with nobody listening a
/// count costs a flag check. Never a token, secret, code or email in a tag.
/// </summary>
public static class AuthTelemetry
{
    public const string Name = "Glint.Auth";
    public const int FirstEventId = 4100;
    public const int LastEventId = 4299;

    public static readonly ActivitySource Source = new(Name);
    private static readonly Meter Meter = new(Name);

    /// <summary>Token responses that issued tokens, by <c>grant_type</c> and <c>client_id</c>.</summary>
    public static readonly Counter<long> TokensIssued = Meter.CreateCounter<long>("glint.oauth2.tokens.issued", "{response}", "Token requests that issued tokens");

    /// <summary>Token responses with an OAuth2 error, by <c>grant_type</c>, <c>client_id</c> and <c>error</c>.</summary>
    public static readonly Counter<long> TokensRefused = Meter.CreateCounter<long>("glint.oauth2.tokens.refused", "{response}", "Token requests refused with an OAuth2 error");

    /// <summary>Access tokens presented to the API or introspection, by <c>result</c> (valid, invalid) and <c>cached</c>.</summary>
    public static readonly Counter<long> TokenValidations = Meter.CreateCounter<long>("glint.oauth2.token.validations", "{token}", "Tokens validated, and whether the node's cache answered");

    /// <summary>Consent requests answered, by <c>outcome</c> (accepted, rejected).</summary>
    public static readonly Counter<long> ConsentDecisions = Meter.CreateCounter<long>("glint.oauth2.consent.decisions", "{request}", "Consent requests accepted or rejected");

    public static readonly KeyValuePair<string, object?> Cached = new("cached", true);
    public static readonly KeyValuePair<string, object?> NotCached = new("cached", false);
    public static readonly KeyValuePair<string, object?> Valid = new("result", "valid");
    public static readonly KeyValuePair<string, object?> Invalid = new("result", "invalid");
    public static readonly KeyValuePair<string, object?> Accepted = new("outcome", "accepted");
    public static readonly KeyValuePair<string, object?> Rejected = new("outcome", "rejected");
}
