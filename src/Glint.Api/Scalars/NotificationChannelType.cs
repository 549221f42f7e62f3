using GraphQL.Types;

namespace Glint.Api.Scalars;

public sealed class NotificationChannelType : EnumerationGraphType
{
    public NotificationChannelType()
    {
        Name = "NotificationChannel";
        Description = "Where notifications go.";
        Add("PUSH", "PUSH");
    }
}
