namespace Glint.Api.Scalars;

public sealed class WalletIdType : StringScalarType
{
    public WalletIdType()
    {
        Name = "WalletId";
        Description = "Unique identifier of a wallet (a UUID).";
    }

    protected override object Parse(string value) => Guid.TryParseExact(value, "D", out var id) ? id : throw Invalid();
}
