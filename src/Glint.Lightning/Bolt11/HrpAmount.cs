using System.Globalization;

namespace Glint.Lightning.Bolt11;

/// <summary>
/// The amount in the human-readable part: a decimal number of bitcoin with an optional multiplier
/// (<c>m</c> 10⁻³, <c>u</c> 10⁻⁶, <c>n</c> 10⁻⁹, <c>p</c> 10⁻¹²). Written in the shortest form; read in any form.
/// </summary>
internal static class HrpAmount
{
    private const long MsatPerBitcoin = 100_000_000_000;

    // Millisatoshis per unit of each multiplier, largest first; pico is a tenth of a millisatoshi.
    private static readonly (char Multiplier, long MsatPerUnit)[] Multipliers = [('m', 100_000_000), ('u', 100_000), ('n', 100)];

    public static string Format(long amountMsat)
    {
        if (amountMsat % MsatPerBitcoin == 0)
        {
            return (amountMsat / MsatPerBitcoin).ToString(CultureInfo.InvariantCulture);
        }

        foreach (var (multiplier, perUnit) in Multipliers)
        {
            if (amountMsat % perUnit == 0)
            {
                return (amountMsat / perUnit).ToString(CultureInfo.InvariantCulture) + multiplier;
            }
        }

        return ((decimal)amountMsat * 10).ToString(CultureInfo.InvariantCulture) + "p";
    }

    /// <summary>Millisatoshis, or an <see cref="InvalidInvoiceException"/> for anything but digits and one known multiplier.</summary>
    public static long Parse(string amount)
    {
        var multiplier = char.IsAsciiLetter(amount[^1]) ? amount[^1] : (char?)null;
        var digits = multiplier is null ? amount : amount[..^1];
        if (digits.Length == 0 || digits[0] == '0' || !digits.All(char.IsAsciiDigit)
            || !decimal.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw Invalid($"The amount '{amount}' is not a positive whole number with an optional multiplier.");
        }

        decimal msat = multiplier switch
        {
            null => value * MsatPerBitcoin,
            'm' => value * 100_000_000,
            'u' => value * 100_000,
            'n' => value * 100,
            'p' when value % 10 == 0 => value / 10,
            'p' => throw Invalid("A pico-bitcoin amount must end in 0: millisatoshis are the smallest unit."),
            _ => throw Invalid($"'{multiplier}' is not an amount multiplier (m, u, n or p)."),
        };

        return msat <= Bolt11Invoice.MaxAmountMsat ? (long)msat : throw Invalid("The amount is larger than all bitcoin.");
    }

    private static InvalidInvoiceException Invalid(string message) => new(InvoiceError.InvalidAmount, message);
}
