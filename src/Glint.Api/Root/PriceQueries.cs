using Glint.Api.Access;
using Glint.Api.Errors;
using Glint.Api.Prices;
using Glint.Api.Types;
using Glint.Ledger;
using Glint.Wallets.Prices;
using GraphQL;

namespace Glint.Api.Root;

/// <summary>The resolvers of the price queries; the only display currency is the US dollar.</summary>
public static class PriceQueries
{
    public static async Task<PriceQuote> RealtimePriceAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Currency(context.GetArgument<string?>("currency") ?? CurrencyInfo.Usd.Code);
        return await context.Service<IPriceProvider>().GetPriceAsync(context.CancellationToken);
    }

    /// <summary>The amount in cents (rounded to the nearest cent), and those cents in sats at the current price.</summary>
    public static async Task<CurrencyConversionEstimationType.Source> ConversionEstimationAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var currency = Currency(context.GetArgument<string>("currency"));
        var amount = context.GetArgument<double>("amount");
        var maximumDollars = AmountLimits.MaxMinorUnits / 100;
        if (!double.IsFinite(amount) || amount < 0 || amount > maximumDollars)
        {
            throw ApiErrors.InvalidInput("Invalid value for amount.");
        }

        var quote = await context.Service<IPriceProvider>().GetPriceAsync(context.CancellationToken);
        var cents = (long)Math.Round((decimal)amount * 100m, MidpointRounding.AwayFromZero);
        var sats = (long)(((Int128)cents * BtcUsdPrice.SatsPerBitcoin + quote.Price.CentsPerBitcoin / 2) / quote.Price.CentsPerBitcoin);
        return new(quote.At, currency.Code, sats, cents);
    }

    /// <summary>
    /// The price graph: the last stored price of each of the range's hours, days, weeks or months, oldest first, then
    /// the current price, as Blink ends its list (apps convert with the last point).
    /// </summary>
    public static async Task<IReadOnlyList<PricePointType.Source>> BtcPriceListAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var range = context.GetArgument<PriceRange>("range");
        var current = context.Service<CurrentPrice>().Quote;
        var history = await context.Service<PriceHistory>().ListAsync(range, current.At, context.CancellationToken);
        var points = history
            .Select(point => new PricePointType.Source(DateTimeOffset.FromUnixTimeSeconds(point.At), DisplayAmounts.BitcoinPrice(point.CentsPerBitcoin)))
            .ToList();
        points.Add(new PricePointType.Source(context.Service<TimeProvider>().GetUtcNow(), DisplayAmounts.BitcoinPrice(current.Price.CentsPerBitcoin)));
        return points;
    }

    private static CurrencyInfo Currency(string code) => CurrencyInfo.Find(code) ?? throw ApiErrors.InvalidInput("Invalid currency.");
}
