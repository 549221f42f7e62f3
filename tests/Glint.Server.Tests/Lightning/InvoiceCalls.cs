using System.Text.Json.Nodes;
using Glint.Data;
using Glint.Server.Tests.Api;
using Glint.Server.Tests.Infrastructure;
using Glint.Wallets.Journal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Lightning;

/// <summary>The Lightning operations the tests call, with Blink's operation texts.</summary>
public static class InvoiceCalls
{
    public const string InvoiceFields = "paymentHash paymentRequest paymentSecret paymentStatus createdAt externalId";

    public const string PaymentFields = """
        errors { code message } status
        transaction { id settlementAmount settlementCurrency
          initiationVia { __typename ... on InitiationViaLn { paymentHash paymentRequest } }
          settlementVia { __typename ... on SettlementViaLn { preImage } } }
        """;

    /// <summary><c>lnInvoiceCreateOnBehalfOfRecipient</c> with no credentials, as the PoS calls it.</summary>
    public static async Task<JsonObject> CreateForRecipientAsync(this GlintServerFixture server, Guid walletId, long sats, string? memo = null, string? descriptionHash = null)
    {
        var data = await server.DataAsync(null, $$"""
            mutation Create($input: LnInvoiceCreateOnBehalfOfRecipientInput!) {
              lnInvoiceCreateOnBehalfOfRecipient(input: $input) { errors { code message } invoice { {{InvoiceFields}} satoshis } }
            }
            """, new { input = new { recipientWalletId = walletId, amount = sats, memo, descriptionHash } });
        var payload = data["lnInvoiceCreateOnBehalfOfRecipient"]!;
        Assert.True(payload["errors"]!.AsArray().Count == 0, payload.ToJsonString());
        return payload["invoice"]!.AsObject();
    }

    public static async Task<JsonObject> PayAsync(this GlintServerFixture server, string token, Guid walletId, string paymentRequest)
    {
        var data = await server.DataAsync(token, $$"""
            mutation Pay($input: LnInvoicePaymentInput!) { lnInvoicePaymentSend(input: $input) { {{PaymentFields}} } }
            """, new { input = new { walletId, paymentRequest } });
        return data["lnInvoicePaymentSend"]!.AsObject();
    }

    public static async Task<string> StatusAsync(this GlintServerFixture server, string paymentHash)
    {
        var data = await server.DataAsync(null, """
            query Status($input: LnInvoicePaymentStatusByHashInput!) { lnInvoicePaymentStatusByHash(input: $input) { paymentHash status } }
            """, new { input = new { paymentHash } });
        return data["lnInvoicePaymentStatusByHash"]!["status"].Str();
    }

    public static async Task<long> BalanceAsync(this GlintServerFixture server, Guid walletId)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<GlintDbContext>().Wallets.Where(w => w.Id == walletId).Select(w => w.Balance).SingleAsync();
    }

    public static async Task AssertLedgerValidAsync(this GlintServerFixture server)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var verification = await scope.ServiceProvider.GetRequiredService<LedgerAudit>().VerifyAsync(CancellationToken.None);
        Assert.True(verification.IsValid, string.Join("\n", verification.Violations.Select(v => v.Message)));
    }

    /// <summary>Moves an invoice's expiry into the past, as if its time had run out.</summary>
    public static async Task ExpireAsync(this GlintServerFixture server, string paymentHash)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        var invoice = await db.LightningInvoices.SingleAsync(i => i.PaymentHash == paymentHash);
        invoice.ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1);
        await db.SaveChangesAsync();
    }
}
