using GraphQL.Types;

namespace Glint.Api.Scalars;

public sealed class PaymentSendResultType : EnumerationGraphType
{
    public PaymentSendResultType()
    {
        Name = "PaymentSendResult";
        Description = "What became of a payment.";
        Add("ALREADY_PAID", "ALREADY_PAID");
        Add("FAILURE", "FAILURE");
        Add("PENDING", "PENDING");
        Add("SUCCESS", "SUCCESS");
    }
}
