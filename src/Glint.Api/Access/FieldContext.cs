using GraphQL;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Api.Access;

/// <summary>What a resolver reads from its context: the request's caller, idempotency key and scoped services.</summary>
public static class FieldContext
{
    public const string CallerKey = "glint:caller";
    public const string IdempotencyKeyKey = "glint:idempotency-key";
    public const string ClientIpKey = "glint:client-ip";

    public static Caller Caller(this IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.UserContext.TryGetValue(CallerKey, out var caller) && caller is Caller known
            ? known
            : throw new InvalidOperationException("The request has no caller: execute through GraphQLApi.");
    }

    /// <summary>The caller's account; only root fields with a rule other than <see cref="ScopeRule.None"/> have loaded it.</summary>
    public static Data.Wallets.WalletAccount Account(this IResolveFieldContext context) =>
        context.Caller().Account ?? throw new InvalidOperationException("The caller's account is loaded by the root field's access rule.");

    public static string? IdempotencyKey(this IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.UserContext.TryGetValue(IdempotencyKeyKey, out var key) ? key as string : null;
    }

    /// <summary>The address the request came from, which the sign-in limits count against; empty over a websocket.</summary>
    public static string ClientIp(this IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.UserContext.TryGetValue(ClientIpKey, out var ip) && ip is System.Net.IPAddress address ? address.ToString() : "";
    }

    public static T Service<T>(this IResolveFieldContext context) where T : notnull
    {
        ArgumentNullException.ThrowIfNull(context);
        return (context.RequestServices ?? throw new InvalidOperationException("The request has no services.")).GetRequiredService<T>();
    }
}
