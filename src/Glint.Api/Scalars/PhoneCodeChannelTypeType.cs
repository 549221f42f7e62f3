using GraphQL.Types;

namespace Glint.Api.Scalars;

public sealed class PhoneCodeChannelTypeType : EnumerationGraphType
{
    public PhoneCodeChannelTypeType()
    {
        Name = "PhoneCodeChannelType";
        Description = "How a phone login code is sent.";
        Add("SMS", "SMS");
        Add("TELEGRAM", "TELEGRAM");
        Add("WHATSAPP", "WHATSAPP");
    }
}
