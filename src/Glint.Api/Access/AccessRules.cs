using Glint.Api.Errors;
using Glint.Wallets.Queries;
using GraphQL;
using GraphQL.Builders;
using GraphQL.Resolvers;
using GraphQL.Types;
using GraphQLParser.AST;

namespace Glint.Api.Access;

/// <summary>
/// Root fields declare their <see cref="ScopeRule"/> with <see cref="Requires{TSource, TReturn}"/>, after their resolver:
/// the rule is checked before the resolver runs, in Blink's order (authentication and account status first, then the
/// scope) and with Blink's errors. Nested fields inherit the root field's decision.
/// </summary>
public static class AccessRules
{
    public const string MetadataKey = "glint:scope-rule";

    public const string FirstPartyKey = "glint:first-party-only";

    public static FieldBuilder<TSource, TReturn> Requires<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field, ScopeRule rule) =>
        Guard(field, rule, accountCheckedByWrite: false);

    /// <summary>
    /// As <see cref="Requires{TSource, TReturn}"/>, for a mutation whose write checks the account itself (it writes
    /// nothing unless the caller's account is active): when the caller's scopes allow <paramref name="rule"/>, the
    /// resolver runs without the account read before it. It must then call <see cref="CheckAccountAsync"/> before
    /// anything it does other than that one conditional write, and whenever the write was refused, so that every
    /// answer other than the write's success is exactly what the rule would have given.
    /// </summary>
    public static FieldBuilder<TSource, TReturn> RequiresCheckedByWrite<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field, ScopeRule rule) =>
        Guard(field, rule, accountCheckedByWrite: true);

    /// <summary>The rule's checks, for a resolver of <see cref="RequiresCheckedByWrite{TSource, TReturn}"/>; loads the caller's account.</summary>
    public static Task CheckAccountAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return CheckAsync(context, RuleOf(context.FieldDefinition) ?? throw new InvalidOperationException($"'{context.FieldDefinition.Name}' has no access rule."));
    }

    private static FieldBuilder<TSource, TReturn> Guard<TSource, TReturn>(FieldBuilder<TSource, TReturn> field, ScopeRule rule, bool accountCheckedByWrite)
    {
        ArgumentNullException.ThrowIfNull(field);
        var resolver = field.FieldType.Resolver ?? throw new InvalidOperationException($"Give '{field.FieldType.Name}' its resolver before its access rule.");
        field.FieldType.WithMetadata(MetadataKey, rule);
        field.FieldType.Resolver = rule == ScopeRule.None ? resolver : new GuardedResolver(rule, resolver, accountCheckedByWrite);
        return field;
    }

    /// <summary>
    /// Marks a root field, after its <see cref="Requires{TSource, TReturn}"/>, as one that manages the user's sign-in
    /// methods or the account itself (what Blink's own apps do with a session): only a session token from Glint's
    /// sign-in may call it. An OAuth2 token or an API key is refused whatever its scopes, after its scope rule's checks.
    /// </summary>
    public static FieldBuilder<TSource, TReturn> FirstPartyOnly<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (field.FieldType.Resolver is not GuardedResolver guarded)
        {
            throw new InvalidOperationException($"Give '{field.FieldType.Name}' a scope rule other than None before FirstPartyOnly.");
        }

        field.FieldType.WithMetadata(FirstPartyKey, true);
        field.FieldType.Resolver = new GuardedResolver(guarded.Rule, guarded.Inner, guarded.AccountCheckedByWrite, firstPartyOnly: true);
        return field;
    }

    public static bool IsFirstPartyOnly(FieldType field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.HasMetadata(FirstPartyKey);
    }

    public static ScopeRule? RuleOf(FieldType field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.HasMetadata(MetadataKey) ? field.GetMetadata<ScopeRule>(MetadataKey) : null;
    }

    private static async Task CheckAsync(IResolveFieldContext context, ScopeRule rule)
    {
        var caller = context.Caller();
        if (caller.UserId is not { } userId)
        {
            throw ApiErrors.NotAuthorized();
        }

        if (caller.Account is null)
        {
            await LoadAccountAsync(context, rule, caller, userId);
        }

        var isMutation = rule is ScopeRule.Write or ScopeRule.Receive;
        if (caller.Account is null || (isMutation && caller.Account.Status != "active"))
        {
            throw ApiErrors.NotAuthorized();
        }

        if (!caller.Allows(rule))
        {
            throw rule switch
            {
                ScopeRule.Receive => ApiErrors.ReceiveDenied(),
                ScopeRule.Write => ApiErrors.WriteDenied(),
                _ => ApiErrors.ReadDenied(),
            };
        }
    }

    /// <summary>
    /// The caller's account; for a query, with its wallets in the same round trip (what most queries read next).
    /// A query changes nothing, so the wallets stay current for the rest of the request.
    /// </summary>
    private static async Task LoadAccountAsync(IResolveFieldContext context, ScopeRule rule, Caller caller, Guid userId)
    {
        var queries = context.Service<WalletQueries>();
        if (rule != ScopeRule.Read || context.Operation.Operation != OperationType.Query)
        {
            caller.Account = await queries.FindAccountOfUserAsync(userId, context.CancellationToken);
            return;
        }

        if (await queries.FindAccountAndWalletsOfUserAsync(userId, context.CancellationToken) is { } found)
        {
            (caller.Account, caller.AccountWallets) = (found.Account, found.Wallets);
        }
    }

    private sealed class GuardedResolver(ScopeRule rule, IFieldResolver inner, bool accountCheckedByWrite, bool firstPartyOnly = false) : IFieldResolver
    {
        public ScopeRule Rule => rule;

        public IFieldResolver Inner => inner;

        public bool AccountCheckedByWrite => accountCheckedByWrite;

        public async ValueTask<object?> ResolveAsync(IResolveFieldContext context)
        {
            var caller = context.Caller();
            // Which refusal comes first (an inactive account before missing scopes) needs the account: only a caller
            // the scopes already allow can leave the account's check to the write.
            if (!(accountCheckedByWrite && caller.UserId is not null && caller.Account is null && caller.Allows(rule)))
            {
                await CheckAsync(context, rule);
            }

            if (firstPartyOnly && caller.SessionId is null)
            {
                throw ApiErrors.FirstPartyOnly();
            }

            return await inner.ResolveAsync(context);
        }
    }
}
