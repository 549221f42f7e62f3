namespace Glint.Ledger;

/// <summary>One broken invariant, with the entry and the account it concerns when there is one.</summary>
public sealed record InvariantViolation(ViolationKind Kind, string Message, Guid? EntryId = null, string? AccountId = null)
{
    public override string ToString() => $"{Kind}: {Message}";
}
