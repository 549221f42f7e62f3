namespace Glint.Api.Prices;

/// <summary>Blink's price of one minor unit: <c>Base / 10^Offset</c> minor units of the display currency.</summary>
public sealed record MinorUnitPrice(long Base, int Offset, string FormattedAmount)
{
    /// <summary>Blink's <c>currencyUnit</c> of every minor-unit price.</summary>
    public const string CurrencyUnit = "MINOR";
}
