using System.Diagnostics;

namespace Glint.Api;

/// <summary>
/// The GraphQL API's part of a trace and its log event ids, 4000–4099. A request's span (ASP.NET Core's) gets the
/// operation's name, which the client chose and which names no data; never a variable, token or key.
/// </summary>
public static class ApiTelemetry
{
    public const string Name = "Glint.Api";
    public const int FirstEventId = 4000;
    public const int LastEventId = 4099;

    internal static void TagOperation(string? operationName)
    {
        if (operationName is not null && Activity.Current is { IsAllDataRequested: true } span)
        {
            span.SetTag("graphql.operation.name", operationName);
        }
    }
}
