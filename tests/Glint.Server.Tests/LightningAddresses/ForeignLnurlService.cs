using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Glint.Lightning.Bolt11;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NBitcoin;

namespace Glint.Server.Tests.LightningAddresses;

/// <summary>How the foreign service's callback spoils its invoice, for the checks that must refuse it.</summary>
public enum ForeignInvoice
{
    Honest,
    WrongAmount,
    WrongDescriptionHash,
}

/// <summary>
/// Another LNURL service on loopback (real Kestrel), with a node key of its own: <c>/.well-known/lnurlp/{name}</c>
/// answers LUD-06's pay request and <c>/pay/{name}?amount=</c> a regtest BOLT 11 invoice, honest or spoiled as
/// <see cref="Invoices"/> says. It counts what it is asked.
/// </summary>
public sealed class ForeignLnurlService : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Key _nodeKey = new();
    private int _payRequests;
    private int _callbacks;

    private ForeignLnurlService(WebApplication app) => _app = app;

    public ForeignInvoice Invoices { get; set; } = ForeignInvoice.Honest;

    public long MinSendable { get; set; } = 1000;

    public long MaxSendable { get; set; } = 100_000_000_000;

    public int PayRequests => _payRequests;

    public int Callbacks => _callbacks;

    /// <summary><c>127.0.0.1:port</c>, the domain of its addresses.</summary>
    public string Domain { get; private set; } = "";

    public static string Metadata(string name) => JsonSerializer.Serialize(new[] { new[] { "text/plain", "Elsewhere" }, new[] { "text/identifier", name + "@elsewhere" } });

    public static async Task<ForeignLnurlService> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var service = new ForeignLnurlService(app);
        app.MapGet("/.well-known/lnurlp/{name}", service.PayRequest);
        app.MapGet("/pay/{name}", service.Invoice);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        service.Domain = new Uri(address).Authority;
        return service;
    }

    public string PayRequestUrl(string name) => $"http://{Domain}/.well-known/lnurlp/{name}";

    private IResult PayRequest(string name)
    {
        Interlocked.Increment(ref _payRequests);
        return Results.Json(new
        {
            tag = "payRequest",
            callback = $"http://{Domain}/pay/{name}?source=test",
            minSendable = MinSendable,
            maxSendable = MaxSendable,
            metadata = Metadata(name),
        });
    }

    private IResult Invoice(string name, long amount)
    {
        Interlocked.Increment(ref _callbacks);
        var metadataHash = SHA256.HashData(Encoding.UTF8.GetBytes(Metadata(name)));
        if (Invoices == ForeignInvoice.WrongDescriptionHash)
        {
            metadataHash = SHA256.HashData(metadataHash);
        }

        var invoice = Bolt11Encoder.Encode(new Bolt11Invoice
        {
            Network = Bolt11Network.Regtest,
            AmountMsat = Invoices == ForeignInvoice.WrongAmount ? amount + 1000 : amount,
            Timestamp = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
            PaymentHash = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            PaymentSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            DescriptionHash = Convert.ToHexStringLower(metadataHash),
            PayeeNodeId = _nodeKey.PubKey.ToHex(),
            Features = (BigInteger.One << 8) | (BigInteger.One << 14),
        }, _nodeKey);
        return Results.Json(new { pr = invoice, routes = Array.Empty<object>() });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _nodeKey.Dispose();
    }
}
