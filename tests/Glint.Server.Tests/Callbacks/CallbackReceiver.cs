using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Glint.Server.Tests.Callbacks;

/// <summary>One request a receiver got: its path, the Standard Webhooks headers and the body.</summary>
public sealed record ReceivedCallback(string Path, string Id, string Timestamp, string Signature, string Body);

/// <summary>
/// A webhook receiver on loopback (real Kestrel). Each request is recorded, then answered by <see cref="Answer"/>
/// (200 unless a test says otherwise); a test can also hold requests unanswered to play a receiver that hangs.
/// </summary>
public sealed class CallbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<ReceivedCallback> _received = Channel.CreateUnbounded<ReceivedCallback>();
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CallbackReceiver(WebApplication app) => _app = app;

    /// <summary>The status to answer a request with, given how many this receiver has had before it.</summary>
    public Func<int, int> Answer { get; set; } = _ => 200;

    /// <summary>When set, requests wait (unanswered) until <see cref="Release"/>.</summary>
    public bool Hang { get; set; }

    public int Count { get; private set; }

    public string BaseUrl { get; private set; } = "";

    public static async Task<CallbackReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new CallbackReceiver(app);
        app.MapPost("/{**path}", receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.BaseUrl = address.TrimEnd('/');
        return receiver;
    }

    public string Url(string path) => BaseUrl + "/" + path;

    /// <summary>The next request received, waiting at most 30 s of real time for it.</summary>
    public async Task<ReceivedCallback> NextAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await _received.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>The next <paramref name="count"/> requests.</summary>
    public async Task<List<ReceivedCallback>> NextAsync(int count)
    {
        var all = new List<ReceivedCallback>();
        for (var index = 0; index < count; index++)
        {
            all.Add(await NextAsync());
        }

        return all;
    }

    /// <summary>Whether a request is already waiting to be read (for "nothing more arrived" checks after a barrier).</summary>
    public bool HasMore => _received.Reader.TryPeek(out _);

    public void Release() => _release.TrySetResult();

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers;
        int index;
        lock (_received)
        {
            index = Count++;
        }

        await _received.Writer.WriteAsync(new ReceivedCallback(context.Request.Path.Value!.TrimStart('/'), headers["webhook-id"].ToString(),
            headers["webhook-timestamp"].ToString(), headers["webhook-signature"].ToString(), body));
        if (Hang)
        {
            await _release.Task.WaitAsync(context.RequestAborted);
        }

        context.Response.StatusCode = Answer(index);
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
