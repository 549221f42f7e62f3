using System.Text;

namespace Glint.Api.Scalars;

public sealed class MemoType : StringScalarType
{
    /// <summary>What a BOLT 11 description can hold, so a memo survives a payment over Lightning.</summary>
    public const int MaxBytes = 639;

    public MemoType()
    {
        Name = "Memo";
        Description = "A note attached to a payment, at most 639 bytes of UTF-8.";
    }

    protected override object Parse(string value) => Encoding.UTF8.GetByteCount(value) <= MaxBytes ? value : throw Invalid("Memo is too long");
}
