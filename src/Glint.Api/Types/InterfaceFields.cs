using GraphQL.Types;

namespace Glint.Api.Types;

/// <summary>
/// Declares on an interface the fields of one of its implementations (Blink's interfaces and their object types
/// have the same fields), so that each field is written once. An interface resolves nothing: resolvers are not copied.
/// </summary>
public static class InterfaceFields
{
    public static void DeclareFrom(IInterfaceGraphType target, IComplexGraphType implementation)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(implementation);
        foreach (var field in implementation.Fields)
        {
            target.AddField(new FieldType
            {
                Name = field.Name,
                Description = field.Description,
                DeprecationReason = field.DeprecationReason,
                Type = field.Type,
                ResolvedType = field.ResolvedType,
                Arguments = field.Arguments is null ? null : new QueryArguments(field.Arguments.Select(argument =>
                    new QueryArgument(argument.Type!) { Name = argument.Name, Description = argument.Description, DefaultValue = argument.DefaultValue })),
            });
        }
    }
}
