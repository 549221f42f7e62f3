using System.Buffers.Binary;
using System.Security.Cryptography;
using Glint.Data.Audit;

namespace Glint.Auth.Audit;

/// <summary>
/// What an audit event says before it is stored: only identifiers and reasons, never a secret, token, code or
/// password. <see cref="AuditTrail"/> stamps the time.
/// </summary>
public sealed record AuditRecord(string Action, string ActorKind)
{
    public string? Subject { get; init; }

    public string? ClientId { get; init; }

    public string? Target { get; init; }

    public string? Reason { get; init; }

    public string? RemoteAddress { get; init; }

    /// <summary>
    /// One of the events every authorization flow makes (its login and consent answers): logged at Debug, as an issued
    /// token is, so the default level writes no line per flow; its row is stored all the same.
    /// </summary>
    public bool PerFlow { get; init; }

    /// <summary>The row, each value made storable (see <see cref="Storable"/>) so that no event is refused for what it names.</summary>
    internal AuditEvent ToRow(DateTimeOffset at) => new()
    {
        Id = AuditIds.Next(at),
        At = at,
        ActorKind = ActorKind,
        Action = Action,
        Subject = Storable(Subject, 400),
        ClientId = Storable(ClientId, 400),
        Target = Storable(Target, 255),
        Reason = Storable(Reason, 255),
        RemoteAddress = Storable(RemoteAddress, 64),
    };

    /// <summary>
    /// The value cut to its column (never between the halves of a surrogate pair), with what PostgreSQL cannot store
    /// replaced by U+FFFD: a NUL, and a lone surrogate, which no UTF-8 text holds. Events record what clients sent (a
    /// client id from a Basic header, percent-decoded), and one value refused would lose every event of its batch.
    /// </summary>
    private static string? Storable(string? value, int length)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length > length)
        {
            value = value[..(char.IsHighSurrogate(value[length - 1]) ? length - 1 : length)];
        }

        if (!value.Contains('\0', StringComparison.Ordinal) && value.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            return value;
        }

        return string.Create(value.Length, value, static (destination, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                if (char.IsHighSurrogate(c) && i + 1 < source.Length && char.IsLowSurrogate(source[i + 1]))
                {
                    destination[i] = c;
                    destination[++i] = source[i];
                }
                else
                {
                    destination[i] = c == '\0' || char.IsSurrogate(c) ? '\uFFFD' : c;
                }
            }
        });
    }
}

/// <summary>
/// UUIDv7 ids that also order the events of one millisecond as they happened on this node: the bits after the time
/// are a counter (started at a random point) rather than random, so paging newest-first never shuffles a burst.
/// </summary>
internal static class AuditIds
{
    private static long _counter = RandomNumberGenerator.GetInt32(int.MaxValue);

    public static Guid Next(DateTimeOffset at)
    {
        var count = (ulong)Interlocked.Increment(ref _counter);
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, ((ulong)at.ToUnixTimeMilliseconds() << 16) | 0x7000 | ((count >> 50) & 0x0FFF));
        // Variant 10, then the counter's low 50 bits and 12 random ones.
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], 0x8000_0000_0000_0000UL | ((count & 0x3_FFFF_FFFF_FFFFUL) << 12) | (uint)RandomNumberGenerator.GetInt32(4096));
        return new Guid(bytes, bigEndian: true);
    }
}
