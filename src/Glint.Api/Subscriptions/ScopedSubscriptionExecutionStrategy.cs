using GraphQL;
using GraphQL.Execution;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Api.Subscriptions;

/// <summary>
/// Executes subscriptions with each event resolved in a service scope of its own: events of one connection may be
/// resolved at the same time, and a DbContext allows one operation at a time. Fields resolve serially, as over HTTP.
/// </summary>
public sealed class ScopedSubscriptionExecutionStrategy() : SubscriptionExecutionStrategy(SerialExecutionStrategy.Instance)
{
    public static new ScopedSubscriptionExecutionStrategy Instance { get; } = new();

    protected override async ValueTask<ExecutionResult> ProcessDataAsync(GraphQL.Execution.ExecutionContext context, ExecutionNode node, object? value)
    {
        ArgumentNullException.ThrowIfNull(context);
        var scopes = (context.RequestServices ?? throw new InvalidOperationException("The subscription has no services.")).GetRequiredService<IServiceScopeFactory>();
        await using var scope = scopes.CreateAsyncScope();
        context.RequestServices = scope.ServiceProvider;
        return await base.ProcessDataAsync(context, node, value);
    }
}
