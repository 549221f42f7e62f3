namespace Glint.Api.Prices;

/// <summary>A display currency as <c>currencyList</c> shows it.</summary>
public sealed record CurrencyInfo(string Code, string Symbol, string Name, string Flag, int FractionDigits)
{
    public static readonly CurrencyInfo Usd = new("USD", "$", "US Dollar", "\U0001F1FA\U0001F1F8", 2);

    /// <summary>The display currencies offered: the price provider quotes BTC in US dollars only.</summary>
    public static readonly IReadOnlyList<CurrencyInfo> All = [Usd];

    public static CurrencyInfo? Find(string? code) => All.FirstOrDefault(currency => currency.Code == code);
}
