using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.Lightning;

/// <summary>A minimal graphql-ws (graphql-transport-ws) client, to drive the server's WebSocket endpoint from xUnit.</summary>
public sealed class GraphQLWsClient : IAsyncDisposable
{
    /// <summary>How long to wait for a message before the test fails; a guard against hanging, not a timing assertion.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly ClientWebSocket _socket = new();
    private readonly Channel<JsonObject> _messages = Channel.CreateUnbounded<JsonObject>();
    private Task? _reader;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public static async Task<GraphQLWsClient> ConnectAsync(GlintServerFixture server, object? connectionParams = null, bool expectAck = true)
    {
        var client = new GraphQLWsClient();
        client._socket.Options.AddSubProtocol("graphql-transport-ws");
        await client._socket.ConnectAsync(new Uri($"ws://127.0.0.1:{server.PublicPort}/graphql"), CancellationToken.None);
        client._reader = client.ReadAsync();
        await client.SendAsync(new { type = "connection_init", payload = connectionParams ?? new { } });
        if (expectAck)
        {
            Assert.Equal("connection_ack", (await client.ReceiveAsync())["type"]!.GetValue<string>());
        }

        return client;
    }

    public Task SubscribeAsync(string id, string query, object? variables = null) =>
        SendAsync(new { id, type = "subscribe", payload = new { query, variables } });

    /// <summary>
    /// Returns once every subscription sent before is in place: the server handles a connection's messages in order,
    /// so the answer to a status subscription of an unknown invoice (immediate) comes after them.
    /// </summary>
    public async Task SubscribedAsync()
    {
        var probe = "probe-" + Guid.NewGuid().ToString("N");
        await SubscribeAsync(probe, "subscription($input: LnInvoicePaymentStatusByHashInput!) { lnInvoicePaymentStatusByHash(input: $input) { status } }",
            new { input = new { paymentHash = new string('0', 64) } });
        await ReceiveAsync(probe);
    }

    public async Task SendAsync(object message) =>
        await _socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The next message from the server; null once the server closed the connection.</summary>
    public async Task<JsonObject?> ReceiveOrCloseAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        return await _messages.Reader.WaitToReadAsync(timeout.Token) && _messages.Reader.TryRead(out var message) ? message : null;
    }

    public async Task<JsonObject> ReceiveAsync() => await ReceiveOrCloseAsync() ?? throw new InvalidOperationException($"The server closed the connection ({_socket.CloseStatus} {_socket.CloseStatusDescription}).");

    /// <summary>The next message of subscription <paramref name="id"/> that <paramref name="wanted"/> accepts, skipping others.</summary>
    public async Task<JsonObject> ReceiveAsync(string id, Func<JsonObject, bool>? wanted = null)
    {
        while (true)
        {
            var message = await ReceiveAsync();
            if (message["id"]?.GetValue<string>() == id && (wanted is null || wanted(message)))
            {
                return message;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
            {
                // The server closed first.
            }
        }

        if (_reader is not null)
        {
            await _reader;
        }

        _socket.Dispose();
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult received;
                do
                {
                    received = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                    message.Write(buffer, 0, received.Count);
                }
                while (!received.EndOfMessage);

                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                _messages.Writer.TryWrite(JsonNode.Parse(Encoding.UTF8.GetString(message.ToArray()))!.AsObject());
            }
        }
        catch (WebSocketException)
        {
        }
        finally
        {
            _messages.Writer.TryComplete();
        }
    }
}
