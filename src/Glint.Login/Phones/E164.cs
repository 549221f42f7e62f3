using PhoneNumbers;

namespace Glint.Login.Phones;

/// <summary>
/// Phone numbers as Glint stores and compares them: E.164 (<c>+</c>, country code, number, nothing else), checked
/// against the numbering plans of libphonenumber, so a number is stored one way whatever way it was typed.
/// </summary>
public static class E164
{
    /// <summary>Longer input is refused before parsing: E.164 has at most 15 digits, and the parser's work stays bounded.</summary>
    private const int MaxInputLength = 32;

    private static readonly PhoneNumberUtil Numbers = PhoneNumberUtil.GetInstance();

    /// <summary>
    /// The number in E.164 form, or null unless it is a valid number written with its country code (<c>+1 650 555 4350</c>,
    /// <c>+44 20 7946 0958</c>); spaces, dots, dashes and brackets are allowed.
    /// </summary>
    public static string? Normalize(string? input)
    {
        var trimmed = input?.Trim();
        if (trimmed is not { Length: > 1 and <= MaxInputLength } || trimmed[0] != '+' || trimmed.Any(char.IsControl))
        {
            return null;
        }

        try
        {
            var number = Numbers.Parse(trimmed, null);
            return Numbers.IsValidNumber(number) ? Numbers.Format(number, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    /// <summary>Whether a stored sign-in address is a phone number (the other kind, an email, never starts with '+' and has an '@').</summary>
    public static bool IsPhone(string address) => address.StartsWith('+') && !address.Contains('@', StringComparison.Ordinal);

    /// <summary>What a user is told when <see cref="Normalize"/> refuses a number.</summary>
    public const string Rule = "Enter the phone number with its country code, like +1 650 555 4350.";
}
