namespace Glint.Api.Prices;

/// <summary>
/// Blink's price of one minor unit: <c>Base / 10^Offset</c> minor units of the display currency. <paramref name="Unit"/>
/// is what Blink's <c>Price</c> says in <c>currencyUnit</c>: MINOR, or USDCENT for the price graph and subscription.
/// </summary>
public sealed record MinorUnitPrice(long Base, int Offset, string FormattedAmount, string Unit = MinorUnitPrice.CurrencyUnit)
{
    /// <summary>The <c>currencyUnit</c> of the prices of the price graph and the <c>price</c> subscription.</summary>
    public const string UsdCent = "USDCENT";

    /// <summary>Blink's <c>currencyUnit</c> of every minor-unit price.</summary>
    public const string CurrencyUnit = "MINOR";
}
