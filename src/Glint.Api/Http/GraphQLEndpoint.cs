using System.Text.Json;
using Glint.Api.Access;
using Glint.Api.Validation;
using GraphQL;
using GraphQL.Execution;
using GraphQL.SystemTextJson;
using GraphQL.Transport;
using GraphQL.Validation;
using GraphQLParser.AST;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Glint.Api.Http;

/// <summary>
/// One GraphQL request over HTTP: read it, parse it once (<see cref="DocumentCache"/>), validate it with the
/// standard rules plus Blink's complexity limit, execute it, and write Blink's response shape.
/// </summary>
public sealed partial class GraphQLEndpoint(GlintSchema schema, DocumentCache documents, ILogger<GraphQLEndpoint> logger)
{
    private static readonly IValidationRule[] Rules = [.. DocumentValidator.CoreRules, new QueryComplexityRule()];

    // Resolvers share the request's DbContext, which allows one operation at a time: run every field serially.
    private static readonly DocumentExecuter Executer = new(
        new GraphQLDocumentBuilder(),
        new DocumentValidator(),
        new DefaultExecutionStrategySelector([
            new ExecutionStrategyRegistration(SerialExecutionStrategy.Instance, OperationType.Query),
            new ExecutionStrategyRegistration(SerialExecutionStrategy.Instance, OperationType.Mutation),
        ]),
        []);

    private static readonly GraphQLSerializer Serializer = new(options => options.Converters.Add(new ErrorJsonConverter()));

    public async Task PostAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Request.ContentType is not { } contentType || !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            await WriteErrorAsync(http, StatusCodes.Status415UnsupportedMediaType, "The request body must be JSON (Content-Type: application/json).");
            return;
        }

        GraphQLRequest? request;
        try
        {
            request = await Serializer.ReadAsync<GraphQLRequest>(http.Request.Body, http.RequestAborted);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException or BadHttpRequestException)
        {
            await WriteErrorAsync(http, StatusCodes.Status400BadRequest, "The request body is not a valid GraphQL request: " + exception.Message);
            return;
        }

        await ExecuteAsync(http, request, allowMutations: true);
    }

    public async Task GetAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var query = http.Request.Query;
        Inputs? variables = null;
        if (query["variables"].ToString() is { Length: > 0 } json)
        {
            try
            {
                variables = Serializer.Deserialize<Inputs>(json);
            }
            catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException)
            {
                await WriteErrorAsync(http, StatusCodes.Status400BadRequest, "The variables parameter is not a JSON object: " + exception.Message);
                return;
            }
        }

        var request = new GraphQLRequest
        {
            Query = query["query"].ToString(),
            OperationName = query["operationName"].ToString() is { Length: > 0 } name ? name : null,
            Variables = variables,
        };
        await ExecuteAsync(http, request, allowMutations: false);
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

        GraphQLDocument document;
        try
        {
            document = documents.Parse(query);
        }
        catch (SyntaxError error)
        {
            await WriteAsync(http, StatusCodes.Status400BadRequest, new ExecutionResult(error));
            return;
        }

        if (!allowMutations && IsMutation(document, request.OperationName))
        {
            http.Response.Headers.Allow = "POST";
            await WriteErrorAsync(http, StatusCodes.Status405MethodNotAllowed, "Can only perform a mutation operation from a POST request.");
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
            },
            UnhandledExceptionDelegate = context =>
            {
                LogUnhandled(logger, context.FieldContext?.FieldDefinition.Name, context.OriginalException);
                return Task.CompletedTask;
            },
        };

        var result = await Executer.ExecuteAsync(options);
        var status = !result.Executed && result.Errors?.Any(ErrorCodes.IsRequestError) == true ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK;
        await WriteAsync(http, status, result);
    }

    private static bool IsMutation(GraphQLDocument document, string? operationName)
    {
        var operations = document.Definitions.OfType<GraphQLOperationDefinition>().ToList();
        var operation = operationName is null
            ? operations.Count == 1 ? operations[0] : null
            : operations.Find(op => op.Name?.StringValue == operationName);
        return operation?.Operation == OperationType.Mutation;
    }

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
