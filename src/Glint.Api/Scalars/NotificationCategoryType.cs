namespace Glint.Api.Scalars;

public sealed class NotificationCategoryType : StringScalarType
{
    public NotificationCategoryType()
    {
        Name = "NotificationCategory";
        Description = "A kind of notification, such as Payments or Marketing.";
    }

    protected override object Parse(string value) => value.Length is > 0 and <= 32 ? value : throw Invalid();
}
