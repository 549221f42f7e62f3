using Glint.Api.Errors;
using Glint.Wallet.Queries;
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

    public static FieldBuilder<TSource, TReturn> Requires<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field, ScopeRule rule)
    {
        ArgumentNullException.ThrowIfNull(field);
        var resolver = field.FieldType.Resolver ?? throw new InvalidOperationException($"Give '{field.FieldType.Name}' its resolver before its access rule.");
        field.FieldType.WithMetadata(MetadataKey, rule);
        field.FieldType.Resolver = rule == ScopeRule.None ? resolver : new GuardedResolver(rule, resolver);
        return field;
    }

    public static ScopeRule? RuleOf(FieldType field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.HasMetadata(MetadataKey) ? field.GetMetadata<ScopeRule>(MetadataKey) : null;
    }

    private sealed class GuardedResolver(ScopeRule rule, IFieldResolver inner) : IFieldResolver
    {
        public async ValueTask<object?> ResolveAsync(IResolveFieldContext context)
        {
            var caller = context.Caller();
            if (caller.UserId is not { } userId)
            {
                throw ApiErrors.NotAuthorized();
            }

            if (caller.Account is null)
            {
                await LoadAccountAsync(context, caller, userId);
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

            return await inner.ResolveAsync(context);
        }

        /// <summary>
        /// The caller's account; for a query, with its wallets in the same round trip (what most queries read next).
        /// A query changes nothing, so the wallets stay current for the rest of the request.
        /// </summary>
        private async Task LoadAccountAsync(IResolveFieldContext context, Caller caller, Guid userId)
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
    }
}
