using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Glint.Api.Access;
using Glint.Api.Subscriptions;
using Glint.Api.Validation;
using Glint.Auth;
using GraphQL;
using GraphQL.Execution;
using GraphQL.SystemTextJson;
using GraphQL.Validation;
using GraphQLParser.AST;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Glint.Api.Http;

/// <summary>
/// GraphQL over WebSocket (the <c>graphql-transport-ws</c> protocol of the <c>graphql-ws</c> library) at
/// <c>/graphql</c>: <c>connection_init</c> (its payload carries the same credentials as HTTP headers:
/// <c>Oauth2-Token</c>, <c>Authorization</c>, <c>X-API-KEY</c>), <c>connection_ack</c>, <c>ping</c>/<c>pong</c>,
/// <c>subscribe</c>, <c>next</c>, <c>error</c> and <c>complete</c>, with the protocol's close codes. Only subscriptions
/// run here, as in Blink; queries and mutations go over HTTP.
/// </summary>
public sealed partial class GraphQLWebSocket(GlintSchema schema, DocumentCache documents, IOptions<GlintApiOptions> options, ILogger<GraphQLWebSocket> logger)
{
    public const string SubProtocol = "graphql-transport-ws";
    private static readonly IValidationRule[] Rules = [.. DocumentValidator.CoreRules, new QueryComplexityRule()];

    private static readonly DocumentExecuter Executer = new(
        new GraphQLDocumentBuilder(),
        new OnceValidatedOperations(),
        new DefaultExecutionStrategySelector([new ExecutionStrategyRegistration(ScopedSubscriptionExecutionStrategy.Instance, OperationType.Subscription)]),
        []);

    private static readonly GraphQLSerializer Serializer = new(settings => settings.Converters.Add(new ErrorJsonConverter()));

    private GlintSchema Schema { get; } = schema;

    private DocumentCache Documents { get; } = documents;

    private GlintApiOptions Options { get; } = options.Value;

    private ILogger Logger { get; } = logger;

    public async Task AcceptAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!http.WebSockets.WebSocketRequestedProtocols.Contains(SubProtocol))
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsJsonAsync(new { error = $"WebSocket connections to /graphql speak the {SubProtocol} subprotocol." }, http.RequestAborted);
            return;
        }

        using var socket = await http.WebSockets.AcceptWebSocketAsync(SubProtocol);
        var connection = new Connection(this, http, socket);
        await connection.RunAsync();
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Error, Message = "GraphQL subscription field {Field} failed")]
    private static partial void LogUnhandled(ILogger logger, string? field, Exception exception);

    /// <summary>One client's connection: its state, its subscriptions, and one writer so that sends never overlap.</summary>
    private sealed class Connection(GraphQLWebSocket endpoint, HttpContext http, WebSocket socket)
    {
        private readonly ConcurrentDictionary<string, IDisposable> _subscriptions = new(StringComparer.Ordinal);
        private readonly Channel<string> _outgoing = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        private readonly CancellationTokenSource _closing = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        private ClaimsPrincipal? _user;
        private bool _initReceived;
        private bool _acknowledged;

        public async Task RunAsync()
        {
            var writer = WriteAsync();
            var initTimeout = CloseUnlessInitialisedAsync();
            try
            {
                while (!_closing.IsCancellationRequested && socket.State == WebSocketState.Open)
                {
                    var message = await ReceiveAsync();
                    if (message is null)
                    {
                        break;
                    }

                    await HandleAsync(message);
                }
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
            {
                // The client went away.
            }
            finally
            {
                foreach (var subscription in _subscriptions.Values)
                {
                    subscription.Dispose();
                }

                _subscriptions.Clear();
                _outgoing.Writer.TryComplete();
                await _closing.CancelAsync();
                await writer;
                await initTimeout;
                _closing.Dispose();
            }
        }

        private async Task CloseUnlessInitialisedAsync()
        {
            try
            {
                await Task.Delay(endpoint.Options.ConnectionInitTimeout, _closing.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (!_initReceived)
            {
                await CloseAsync(4408, "Connection initialisation timeout");
            }
        }

        private async Task HandleAsync(string text)
        {
            JsonObject message;
            string? type;
            try
            {
                message = JsonNode.Parse(text) as JsonObject ?? throw new JsonException("not an object");
                if (EscapedSurrogates.AnyUnpaired(text.AsSpan()))
                {
                    // Its strings would throw wherever they are read: in the credentials, the variables, the id.
                    throw new JsonException("an unpaired surrogate");
                }

                type = message["type"]?.GetValue<string>();
            }
            catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException)
            {
                await CloseAsync(4400, "Invalid message received");
                return;
            }

            switch (type)
            {
                case "connection_init":
                    await InitAsync(message["payload"] as JsonObject);
                    break;
                case "ping":
                    Send(new JsonObject { ["type"] = "pong" });
                    break;
                case "pong":
                    break;
                case "subscribe":
                    await SubscribeAsync(message);
                    break;
                case "complete":
                    if (message["id"] is JsonValue idValue && idValue.TryGetValue<string>(out var id) && _subscriptions.TryRemove(id, out var stopped))
                    {
                        stopped.Dispose();
                    }

                    break;
                default:
                    await CloseAsync(4400, $"Invalid message type {type}");
                    break;
            }
        }

        /// <summary>Authenticates the connection once, with the HTTP API's own credential handler.</summary>
        private async Task InitAsync(JsonObject? payload)
        {
            if (_initReceived)
            {
                await CloseAsync(4429, "Too many initialisation requests");
                return;
            }

            _initReceived = true;
            // A scope of its own: the request's authentication handler has already read the upgrade request.
            await using var scope = http.RequestServices.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
            var credentials = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
            foreach (var (name, value) in payload ?? [])
            {
                if (name.Equals("Oauth2-Token", StringComparison.OrdinalIgnoreCase) || name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
                    || name.Equals("X-API-KEY", StringComparison.OrdinalIgnoreCase))
                {
                    credentials.Request.Headers[name] = value is JsonValue text && text.TryGetValue<string>(out var header) ? header : "";
                }
            }

            if (credentials.Request.Headers.Count > 0)
            {
                var result = await credentials.AuthenticateAsync(endpoint.Options.AuthenticationScheme);
                if (!result.Succeeded)
                {
                    // A credential that is present but not valid never becomes an anonymous connection.
                    await CloseAsync(4403, "Forbidden");
                    return;
                }

                _user = result.Principal;
            }

            _acknowledged = true;
            Send(new JsonObject { ["type"] = "connection_ack" });
        }

        private async Task SubscribeAsync(JsonObject message)
        {
            if (!_acknowledged)
            {
                await CloseAsync(4401, "Unauthorized");
                return;
            }

            var id = message["id"] is JsonValue idValue && idValue.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;
            var payload = message["payload"] as JsonObject;
            if (id is null || payload?["query"] is not JsonValue queryValue || !queryValue.TryGetValue<string>(out var query))
            {
                await CloseAsync(4400, "Invalid subscribe message");
                return;
            }

            if (_subscriptions.ContainsKey(id))
            {
                await CloseAsync(4409, $"Subscriber for {id} already exists");
                return;
            }

            if (!endpoint.Documents.TryParse(query, out var document, out var refusal))
            {
                SendErrors(id, [refusal]);
                return;
            }

            string? operationName = null;
            if (payload["operationName"] is JsonValue nameValue && !nameValue.TryGetValue(out operationName))
            {
                SendErrors(id, [new ExecutionError("`operationName` must be a string.") { Code = ErrorCodes.BadRequest }]);
                return;
            }

            var operation = document.Definitions.OfType<GraphQLOperationDefinition>()
                .FirstOrDefault(op => operationName is null || op.Name?.StringValue == operationName);
            if (operation?.Operation != OperationType.Subscription)
            {
                SendErrors(id, [new ExecutionError("Only subscription operations are supported") { Code = ErrorCodes.BadRequest }]);
                return;
            }

            Inputs? variables = null;
            if (payload["variables"] is { } variablesJson && !GraphQLRequestReader.TryReadVariables(variablesJson.ToJsonString(), out variables, out var variablesError))
            {
                SendErrors(id, [new ExecutionError(variablesError) { Code = ErrorCodes.BadRequest }]);
                return;
            }

            _subscriptions[id] = EmptySubscription.Instance;
            var result = await Executer.ExecuteAsync(new ExecutionOptions
            {
                Schema = endpoint.Schema,
                Query = query,
                Document = document,
                OperationName = operationName,
                Variables = variables,
                ValidationRules = Rules,
                RequestServices = http.RequestServices,
                User = _user,
                CancellationToken = _closing.Token,
                UserContext = new Dictionary<string, object?> { [FieldContext.CallerKey] = Caller.From(_user) },
                UnhandledExceptionDelegate = context =>
                {
                    LogUnhandled(endpoint.Logger, context.FieldContext?.FieldDefinition.Name, context.OriginalException);
                    return Task.CompletedTask;
                },
            });

            if (result.Errors is { Count: > 0 } errors || result.Streams is not { Count: > 0 } streams)
            {
                _subscriptions.TryRemove(id, out _);
                SendErrors(id, result.Errors ?? [new ExecutionError("The subscription produced no event stream.")]);
                return;
            }

            var observer = new Observer(this, id);
            var subscription = streams.Values.First().Subscribe(observer);
            if (!_subscriptions.TryUpdate(id, subscription, EmptySubscription.Instance))
            {
                // The client completed it while it was being set up.
                subscription.Dispose();
            }
        }

        private void Send(JsonObject message) => _outgoing.Writer.TryWrite(message.ToJsonString());

        private void SendResult(string id, string type, string payloadJson) =>
            _outgoing.Writer.TryWrite($"{{\"id\":{JsonSerializer.Serialize(id)},\"type\":\"{type}\",\"payload\":{payloadJson}}}");

        private void SendErrors(string id, IEnumerable<ExecutionError> errors) => SendResult(id, "error", Serializer.Serialize(errors.ToList()));

        private void Completed(string id)
        {
            if (_subscriptions.TryRemove(id, out _))
            {
                Send(new JsonObject { ["id"] = id, ["type"] = "complete" });
            }
        }

        private async Task<string?> ReceiveAsync()
        {
            var buffer = ArrayPool<byte>.Shared.Rent(4096);
            try
            {
                using var message = new MemoryStream();
                while (true)
                {
                    var received = await socket.ReceiveAsync(buffer, _closing.Token);
                    if (received.MessageType == WebSocketMessageType.Close)
                    {
                        // Complete the closing handshake the client started.
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                        return null;
                    }

                    // Checked before the fragment is kept, so a connection never holds more than the limit.
                    if (message.Length + received.Count > endpoint.Options.Limits.WebSocketMessageBytes)
                    {
                        await CloseAsync(4400, "Message too large");
                        return null;
                    }

                    message.Write(buffer, 0, received.Count);
                    if (received.EndOfMessage)
                    {
                        return Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        private async Task WriteAsync()
        {
            try
            {
                await foreach (var message in _outgoing.Reader.ReadAllAsync(_closing.Token))
                {
                    await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, endOfMessage: true, _closing.Token);
                }
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
            {
                // The connection is closing.
            }
        }

        private async Task CloseAsync(int code, string reason)
        {
            _outgoing.Writer.TryComplete();
            try
            {
                if (socket.State == WebSocketState.Open)
                {
                    await socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, CancellationToken.None);
                }
            }
            catch (WebSocketException)
            {
            }

            await _closing.CancelAsync();
        }

        private sealed class Observer(Connection connection, string id) : IObserver<ExecutionResult>
        {
            public void OnNext(ExecutionResult value) => connection.SendResult(id, "next", Serializer.Serialize(value));

            public void OnError(Exception error)
            {
                connection.SendErrors(id, [error as ExecutionError ?? new ExecutionError("The subscription failed.")]);
                connection._subscriptions.TryRemove(id, out _);
            }

            public void OnCompleted() => connection.Completed(id);
        }
    }

    private sealed class EmptySubscription : IDisposable
    {
        public static readonly EmptySubscription Instance = new();

        public void Dispose()
        {
        }
    }
}
