using System.Diagnostics.CodeAnalysis;

namespace Glint.Ledger;

/// <summary>Either a value or the <see cref="LedgerFailure"/> that explains why there is none.</summary>
public sealed class LedgerResult<T>
    where T : notnull
{
    private readonly T? _value;

    private LedgerResult(T? value, LedgerFailure? failure)
    {
        _value = value;
        Failure = failure;
    }

    [MemberNotNullWhen(false, nameof(Failure))]
    public bool IsSuccess => Failure is null;

    public LedgerFailure? Failure { get; }

    /// <summary>The value; reading it from a failure is a bug and throws.</summary>
    public T Value => IsSuccess ? _value! : throw new InvalidOperationException("No value: " + Failure.Message);

    public static implicit operator LedgerResult<T>(T value) =>
        new(value ?? throw new ArgumentNullException(nameof(value)), null);

    public static implicit operator LedgerResult<T>(LedgerFailure failure) =>
        new(default, failure ?? throw new ArgumentNullException(nameof(failure)));

    public override string ToString() => IsSuccess ? $"Success({_value})" : $"Failure({Failure.Message})";
}
