using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Glint.Server.Tests.Prices;

/// <summary>
/// A price feed on loopback (real Kestrel) that answers what a test sets: a JSON body with a status code. It asks for
/// Basic credentials, as a paid feed would, and counts the requests it answered.
/// </summary>
public sealed class PriceFeed : IAsyncDisposable
{
    public const string User = "feeduser";
    public const string Password = "feed-pass-word";

    private readonly WebApplication _app;
    private volatile Answer _answer = Price(65_432.10m);

    private PriceFeed(WebApplication app) => _app = app;

    public sealed record Answer(int Status, string Body);

    /// <summary>The feed's URL with its credentials and an API key in the query, as an operator would configure it.</summary>
    public string Url { get; private set; } = "";

    public int Requests { get; private set; }

    public static Answer Price(decimal dollars) =>
        new(200, "{\"data\":{\"base\":\"BTC\",\"currency\":\"USD\",\"amount\":\"" + dollars.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"}}");

    public static async Task<PriceFeed> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var feed = new PriceFeed(app);
        app.MapGet("/v2/prices/spot", feed.HandleAsync);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        feed.Url = $"http://{User}:{Password}@127.0.0.1:{address.Port}/v2/prices/spot?api_key=feed-api-key";
        return feed;
    }

    public void Answers(Answer answer) => _answer = answer;

    public void Answers(int status, string body) => _answer = new Answer(status, body);

    private async Task HandleAsync(HttpContext context)
    {
        Requests++;
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"));
        if (context.Request.Headers.Authorization.ToString() != expected || context.Request.Query["api_key"] != "feed-api-key")
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var answer = _answer;
        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.Body);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
