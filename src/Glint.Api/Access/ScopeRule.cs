namespace Glint.Api.Access;

/// <summary>
/// What a root field needs from the caller (Blink's <c>core/api</c> scope middleware). <see cref="None"/> fields
/// answer anyone; the others need an authenticated caller whose granted scopes allow the rule. An empty scope
/// grants everything, <c>write</c> does not grant <c>read</c>, and <c>write</c> grants <c>receive</c>.
/// </summary>
public enum ScopeRule
{
    None,
    Read,
    Write,
    Receive,
}
