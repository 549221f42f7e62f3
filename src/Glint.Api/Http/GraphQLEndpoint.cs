using System.Buffers;
using System.Globalization;
using Glint.Api.Access;
using Glint.Api.Validation;
using GraphQL;
using GraphQL.Execution;
using GraphQL.SystemTextJson;
using GraphQL.Transport;
using GraphQL.Validation;
using GraphQLParser.AST;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Glint.Api.Http;

/// <summary>
/// One GraphQL request over HTTP: read it (no more than <see cref="GraphQLLimits.BodyBytes"/>), parse and measure it
/// once (<see cref="DocumentCache"/>), validate each of its operations once with the standard rules plus Blink's complexity
/// limit and its variables on every request (<see cref="OnceValidatedOperations"/>), execute it, and write Blink's response shape.
/// </summary>
public sealed partial class GraphQLEndpoint(GlintSchema schema, DocumentCache documents, IOptions<GlintApiOptions> options, ILogger<GraphQLEndpoint> logger)
{
    private static readonly IValidationRule[] Rules = [.. DocumentValidator.CoreRules, new QueryComplexityRule()];

    // Resolvers share the request's DbContext, which allows one operation at a time: run every field serially.
    private static readonly DocumentExecuter Executer = new(
        new GraphQLDocumentBuilder(),
        new OnceValidatedOperations(),
        new DefaultExecutionStrategySelector([
            new ExecutionStrategyRegistration(SerialExecutionStrategy.Instance, OperationType.Query),
            new ExecutionStrategyRegistration(SerialExecutionStrategy.Instance, OperationType.Mutation),
        ]),
        []);

    private static readonly GraphQLSerializer Serializer = new(settings => settings.Converters.Add(new ErrorJsonConverter()));

    private readonly GraphQLLimits _limits = options.Value.Limits;

    public async Task PostAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Request.ContentType is not { } contentType || !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            await WriteErrorAsync(http, StatusCodes.Status415UnsupportedMediaType, "The request body must be JSON (Content-Type: application/json).");
            return;
        }

        if (await ReadRequestAsync(http) is { } request)
        {
            await ExecuteAsync(http, request, allowMutations: true);
        }
    }

    public async Task GetAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Request.QueryString.Value?.Length > _limits.BodyBytes)
        {
            await WriteErrorAsync(http, StatusCodes.Status414UriTooLong,
                $"The query string is longer than {_limits.BodyBytes.ToString("N0", CultureInfo.InvariantCulture)} characters, the most GET /graphql accepts; send large documents with POST.");
            return;
        }

        var query = http.Request.Query;
        Inputs? variables = null;
        if (query["variables"].ToString() is { Length: > 0 } json && !GraphQLRequestReader.TryReadVariables(json, out variables, out var error))
        {
            await WriteErrorAsync(http, StatusCodes.Status400BadRequest, error);
            return;
        }

        var request = new GraphQLRequest
        {
            Query = query["query"].ToString(),
            OperationName = query["operationName"].ToString() is { Length: > 0 } name ? name : null,
            Variables = variables,
        };
        await ExecuteAsync(http, request, allowMutations: false);
    }

    /// <summary>The request in the body, read into a pooled buffer no larger than the limit; null once it has answered.</summary>
    private async Task<GraphQLRequest?> ReadRequestAsync(HttpContext http)
    {
        var limit = _limits.BodyBytes;
        // Kestrel stops a body that runs past this (a chunked one has no length to check first), and refuses to
        // drain a refused one.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size && !(size.MaxRequestBodySize <= limit))
        {
            size.MaxRequestBodySize = limit;
        }

        if (http.Request.ContentLength > limit)
        {
            await BodyTooLargeAsync(http);
            return null;
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(http.Request.ContentLength ?? 16 * 1024, 4096), limit + 1L));
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(buffer.Length * 2L, limit + 1L));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await http.Request.Body.ReadAsync(buffer.AsMemory(length, (int)Math.Min(buffer.Length, limit + 1L) - length), http.RequestAborted);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > limit)
                {
                    await BodyTooLargeAsync(http);
                    return null;
                }
            }

            if (GraphQLRequestReader.TryRead(buffer.AsSpan(0, length), out var request, out var error))
            {
                return request;
            }

            await WriteErrorAsync(http, StatusCodes.Status400BadRequest, error);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await BodyTooLargeAsync(http);
        }
        catch (BadHttpRequestException)
        {
            await WriteErrorAsync(http, StatusCodes.Status400BadRequest, "The request body could not be read: it ended early or arrived too slowly.");
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException && http.RequestAborted.IsCancellationRequested)
        {
            // The client went away while sending; there is no one to answer.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return null;
    }

    private async Task ExecuteAsync(HttpContext http, GraphQLRequest? request, bool allowMutations)
    {
        var (idempotencyKey, keyError) = IdempotencyKeys.Read(http.Request);
        if (keyError is not null)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsJsonAsync(new { error = keyError }, http.RequestAborted);
            return;
        }

        if (request?.Query is not { Length: > 0 } query)
        {
            await WriteErrorAsync(http, StatusCodes.Status400BadRequest, "GraphQL operations must contain a non-empty `query`.");
            return;
        }

        if (!documents.TryParse(query, out var document, out var refusal))
        {
            await WriteAsync(http, StatusCodes.Status400BadRequest, new ExecutionResult(refusal));
            return;
        }

        switch (SelectedOperation(document, request.OperationName))
        {
            case OperationType.Mutation when !allowMutations:
                http.Response.Headers.Allow = "POST";
                await WriteErrorAsync(http, StatusCodes.Status405MethodNotAllowed, "Can only perform a mutation operation from a POST request.");
                return;
            case OperationType.Subscription:
                // Over HTTP it would run to no event stream and answer a null data with no error.
                await WriteErrorAsync(http, StatusCodes.Status400BadRequest,
                    "Subscriptions are served over WebSocket: open a WebSocket to /graphql with the graphql-transport-ws subprotocol and send the subscription there.");
                return;
        }

        var options = new ExecutionOptions
        {
            Schema = schema,
            Query = query,
            Document = document,
            OperationName = request.OperationName,
            Variables = request.Variables,
            ValidationRules = Rules,
            RequestServices = http.RequestServices,
            User = http.User,
            CancellationToken = http.RequestAborted,
            UserContext = new Dictionary<string, object?>
            {
                [FieldContext.CallerKey] = Caller.From(http.User),
                [FieldContext.IdempotencyKeyKey] = idempotencyKey,
                [FieldContext.RemoteAddressKey] = http.Connection.RemoteIpAddress,
            },
            UnhandledExceptionDelegate = context =>
            {
                LogUnhandled(logger, context.FieldContext?.FieldDefinition.Name, context.OriginalException);
                return Task.CompletedTask;
            },
        };

        ApiTelemetry.TagOperation(request.OperationName);
        var result = await Executer.ExecuteAsync(options);
        var status = !result.Executed && result.Errors?.Any(ErrorCodes.IsRequestError) == true ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK;
        await WriteAsync(http, status, result);
    }

    /// <summary>The type of the operation the request runs; null when none is selected, which execution reports.</summary>
    private static OperationType? SelectedOperation(GraphQLDocument document, string? operationName)
    {
        GraphQLOperationDefinition? selected = null;
        foreach (var definition in document.Definitions)
        {
            if (definition is not GraphQLOperationDefinition operation)
            {
                continue;
            }

            if (operationName is null)
            {
                if (selected is not null)
                {
                    return null;
                }

                selected = operation;
            }
            else if (operation.Name is { } name && name.Value.Span.SequenceEqual(operationName))
            {
                return operation.Operation;
            }
        }

        return selected?.Operation;
    }

    private Task BodyTooLargeAsync(HttpContext http)
    {
        // The rest of the body is never read, so the connection cannot carry another request: say so, or the client
        // would send its next request down a connection about to close.
        http.Response.Headers.Connection = "close";
        return WriteErrorAsync(http, StatusCodes.Status413PayloadTooLarge,
            $"The request body is larger than {_limits.BodyBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes, the most /graphql accepts.");
    }

    /// <summary>
    /// The answer to a request that failed outside any resolver (where the executer would have caught it): one error
    /// with the code a resolver's unhandled failure gets, and nothing of the failure itself.
    /// </summary>
    public static Task WriteServerErrorAsync(HttpContext http) =>
        WriteAsync(http, StatusCodes.Status500InternalServerError, new ExecutionResult(
            new ExecutionError("An internal error occurred and the request was not answered. Try again later.") { Code = ErrorCodes.InternalServerError }));

    private static Task WriteErrorAsync(HttpContext http, int status, string message) =>
        WriteAsync(http, status, new ExecutionResult(new ExecutionError(message) { Code = ErrorCodes.BadRequest }));

    private static async Task WriteAsync(HttpContext http, int status, ExecutionResult result)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        await Serializer.WriteAsync(http.Response.Body, result, http.RequestAborted);
    }

    [LoggerMessage(EventId = 4000, Level = LogLevel.Error, Message = "GraphQL field {Field} failed")]
    private static partial void LogUnhandled(ILogger logger, string? field, Exception exception);
}
