using GraphQL.Types;

namespace Glint.Api.Scalars;

public sealed class TxNotificationTypeType : EnumerationGraphType
{
    public TxNotificationTypeType()
    {
        Name = "TxNotificationType";
        foreach (var value in (string[])["IntraLedgerPayment", "IntraLedgerReceipt", "LigtningReceipt", "OnchainPayment", "OnchainReceipt", "OnchainReceiptPending"])
        {
            Add(value, value);
        }
    }
}
