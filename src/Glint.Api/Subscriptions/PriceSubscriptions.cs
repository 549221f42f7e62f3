using Glint.Api.Access;
using Glint.Api.Errors;
using Glint.Api.Prices;
using Glint.Api.Types;
using Glint.Wallets.Prices;
using GraphQL;

namespace Glint.Api.Subscriptions;

/// <summary>
/// <c>price</c> and <c>realtimePrice</c>: the current price at once, then each new price this node's source gives
/// (see <see cref="CurrentPrice"/>; with a feed every node polls it, so subscribers on every node hear each change).
/// Anyone may subscribe. Input Blink refuses gets one payload with its error, then completion.
/// </summary>
public static class PriceSubscriptions
{
    public const string UnsupportedUnit = "Unsupported exchange unit";
    public const string UnsupportedAmount = "Unsupported exchange amount";

    public static IObservable<object?> SubscribePrice(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetArgument<Dictionary<string, object?>>("input");
        var sats = Convert.ToInt64(input["amount"], System.Globalization.CultureInfo.InvariantCulture);
        var current = context.Service<CurrentPrice>();
        if (input["amountCurrencyUnit"] as string != ExchangeCurrencyUnitType.BtcSat || input["priceCurrencyUnit"] as string != ExchangeCurrencyUnitType.UsdCent)
        {
            return Refused(new PricePayloadType.Source([new ApiError(null, UnsupportedUnit)], null));
        }

        if (DisplayAmounts.SatsPrice(sats, current.Quote.Price.CentsPerBitcoin) is null)
        {
            return Refused(new PricePayloadType.Source([new ApiError(null, UnsupportedAmount)], null));
        }

        return Follow(current, quote => DisplayAmounts.SatsPrice(sats, quote.Price.CentsPerBitcoin) is { } price
            ? new PricePayloadType.Source([], price)
            : new PricePayloadType.Source([new ApiError(null, UnsupportedAmount)], null));
    }

    public static IObservable<object?> SubscribeRealtimePrice(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetArgument<Dictionary<string, object?>>("input");
        var code = input.TryGetValue("currency", out var currency) && currency is string given ? given : CurrencyInfo.Usd.Code;
        if (CurrencyInfo.Find(code) is null)
        {
            return Refused(new RealtimePricePayloadType.Source([new ApiError("INVALID_INPUT", "Invalid currency.")], null));
        }

        return Follow(context.Service<CurrentPrice>(), quote => new RealtimePricePayloadType.Source([], quote));
    }

    private static EventStream<object?> Refused(object payload) => new(sink =>
    {
        sink.Last(payload);
        return EmptyDisposable.Instance;
    });

    /// <summary>
    /// The listener is attached before the current price is sent: a change in between may be sent twice, never missed,
    /// and the last message is always the current price.
    /// </summary>
    private static EventStream<object?> Follow(CurrentPrice current, Func<PriceQuote, object> payload) => new(sink =>
    {
        void OnChanged(PriceQuote quote) => sink.Next(payload(quote));
        current.Changed += OnChanged;
        sink.Next(payload(current.Quote));
        return new Detach(() => current.Changed -= OnChanged);
    });

    private sealed class Detach(Action detach) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                detach();
            }
        }
    }
}
