using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Glint.Data.Callbacks;
using Glint.Ledger;
using Glint.Wallets.Journal;
using Glint.Wallets.Lightning;
using Glint.Wallets.Queries;

namespace Glint.Callbacks.Delivery;

/// <summary>
/// The body of a delivery, in Blink's shape: <c>{accountId, walletId, eventType, transaction}</c>, the transaction
/// being the wallet's side of the entry as Blink's domain spells it (camelCase, lower-case status, amounts in minor
/// units, display amounts in US dollars at the settlement price). Rendered when sent: the entry never changes, so
/// every attempt sends the same body.
/// </summary>
public sealed class CallbackPayloads(WalletQueries queries, LightningNode? node = null)
{
    /// <summary>The same for every endpoint and attempt of one event, so receivers can drop duplicates by it.</summary>
    public static string MessageId(CallbackDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        Span<byte> ids = stackalloc byte[32];
        delivery.EntryId.TryWriteBytes(ids[..16]);
        delivery.WalletId.TryWriteBytes(ids[16..]);
        return "msg_" + Convert.ToHexStringLower(SHA256.HashData(ids)[..16]);
    }

    /// <summary>The JSON body; null when the entry is gone (it never is: entries are never deleted).</summary>
    public async Task<string?> RenderAsync(CallbackDelivery delivery, Guid accountId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var transaction = await queries.FindEntryTransactionAsync(delivery.EntryId, delivery.WalletId, cancellationToken);
        if (transaction is null)
        {
            return null;
        }

        var body = new JsonObject
        {
            ["accountId"] = accountId.ToString("D"),
            ["walletId"] = delivery.WalletId.ToString("D"),
            ["eventType"] = delivery.EventType,
            ["transaction"] = Transaction(transaction),
        };
        return body.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    private JsonObject Transaction(WalletTransaction transaction)
    {
        var details = transaction.Details;
        var counterparty = new JsonObject
        {
            ["type"] = "intraledger",
            ["counterPartyWalletId"] = transaction.CounterpartyWalletId?.ToString("D"),
            ["counterPartyUsername"] = transaction.CounterpartyUsername,
        };
        var lightning = details.PaymentHash is not null;
        return new JsonObject
        {
            ["id"] = transaction.Id.ToString(CultureInfo.InvariantCulture),
            ["walletId"] = transaction.WalletId.ToString("D"),
            ["status"] = "success",
            ["memo"] = transaction.Memo,
            ["createdAt"] = transaction.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["settlementAmount"] = transaction.Amount,
            ["settlementFee"] = 0,
            ["settlementCurrency"] = transaction.Currency,
            ["settlementDisplayAmount"] = Major(Cents(transaction.Currency, transaction.Amount, details.CentsPerBitcoin)),
            ["settlementDisplayFee"] = Major(0),
            ["settlementDisplayPrice"] = new JsonObject
            {
                // The price of one minor unit in US cents, as the API's settlementPrice: base / 10^offset.
                ["base"] = transaction.Currency == CurrencyCodes.Btc ? details.CentsPerBitcoin * 10_000 : 1_000_000,
                ["offset"] = transaction.Currency == CurrencyCodes.Btc ? 12 : 6,
                ["displayCurrency"] = "USD",
                ["walletCurrency"] = transaction.Currency,
            },
            ["initiationVia"] = lightning
                ? new JsonObject { ["type"] = "lightning", ["paymentHash"] = details.PaymentHash, ["pubkey"] = node?.NodeId }
                : counterparty,
            ["settlementVia"] = lightning
                ? new JsonObject { ["type"] = "lightning", ["revealedPreImage"] = details.Preimage }
                : counterparty.DeepClone(),
        };
    }

    /// <summary>A signed amount in cents, rounded half away from zero, as the API's display amounts are.</summary>
    private static long Cents(string currency, long amount, long centsPerBitcoin)
    {
        if (currency != CurrencyCodes.Btc)
        {
            return amount;
        }

        var magnitude = ((Int128)Math.Abs(amount) * centsPerBitcoin + BtcUsdPrice.SatsPerBitcoin / 2) / BtcUsdPrice.SatsPerBitcoin;
        return (long)(amount < 0 ? -magnitude : magnitude);
    }

    private static string Major(long cents) => (cents / 100m).ToString("F2", CultureInfo.InvariantCulture);
}
