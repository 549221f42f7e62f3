using Glint.Api.Scalars;
using GraphQL.Types;

namespace Glint.Api.Types;

/// <summary>A payment started with a Lightning invoice.</summary>
public sealed class InitiationViaLnType : ObjectGraphType<InitiationViaLnType.Source>
{
    public InitiationViaLnType()
    {
        Name = "InitiationViaLn";
        Field<NonNullGraphType<PaymentHashType>>("paymentHash").Resolve(context => context.Source.PaymentHash);
        Field<NonNullGraphType<LnPaymentRequestType>>("paymentRequest").Description("The BOLT 11 invoice that was paid.").Resolve(context => context.Source.PaymentRequest);
    }

    public sealed record Source(string PaymentHash, string PaymentRequest);
}
