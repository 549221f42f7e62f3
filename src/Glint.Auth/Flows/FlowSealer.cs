using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Glint.Data.Secrets;

namespace Glint.Auth.Flows;

/// <summary>What a sealed flow is for: bound into the seal, so a challenge cannot be passed off as a verifier.</summary>
public enum FlowPurpose : byte
{
    LoginChallenge = 1,
    LoginVerifier = 2,
    ConsentChallenge = 3,
    ConsentVerifier = 4,
    DeviceChallenge = 5,
    DeviceVerifier = 6,
}

/// <summary>
/// Seals a <see cref="Flow"/> into a challenge or verifier, as Hydra does: JSON under AES-256-GCM with a key derived
/// from the system secret, URL-safe; compressed unless it fits without (<see cref="Seal"/>). The blob names its key (a key id derived with the key), so a rotated
/// secret's values can still be opened while they live; the purpose and key id are bound as associated data. A value
/// that does not open (tampered, another secret's, another purpose's, malformed, oversized) is simply not a flow.
/// </summary>
public sealed class FlowSealer
{
    /// <summary>
    /// The longest sealed value: a verifier rides in the query of the authorization request it answers, and the
    /// whole request line must stay within what servers accept (Kestrel's default is 8 KiB).
    /// </summary>
    public const int MaxLength = 4096;

    /// <summary>The blob's first byte: how its plaintext is encoded. Bound as associated data with the key id.</summary>
    private const byte Compressed = 1;

    private const byte Stored = 2;
    private const int KeyIdSize = 4;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int HeaderSize = 1 + KeyIdSize + NonceSize + TagSize;
    private const int AssociatedDataSize = 1 + KeyIdSize + 1;

    /// <summary>Decompression stops here: a flow's JSON is a few KiB at most, so a bomb costs nothing.</summary>
    private const int MaxJsonSize = 64 * 1024;

    /// <summary>
    /// Hydra's JSON without the properties that are null: a flow carries a dozen of them until its later steps (its
    /// answers, rejection, device fields), which every step wrote, compressed and read again, and which took room in
    /// the sealed value. Read with <see cref="HydraJson.Options"/>: an absent property is null, as the value written
    /// before was, so values sealed either way open alike.
    /// </summary>
    private static readonly JsonSerializerOptions SealedJson = new(HydraJson.Options) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly SealingKey _current;
    private readonly Dictionary<uint, SealingKey> _keys = [];

    public FlowSealer(SystemSecret secret)
        : this(secret, [])
    {
    }

    /// <param name="current">Seals new values.</param>
    /// <param name="retired">Secrets rotated out, whose values are still opened until they expire.</param>
    public FlowSealer(SystemSecret current, IReadOnlyList<SystemSecret> retired)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(retired);
        _current = SealingKey.Of(current);
        foreach (var key in retired.Select(SealingKey.Of).Prepend(_current))
        {
            _keys.TryAdd(key.Id, key);
        }
    }

    /// <summary>
    /// The sealed value, or null when the flow is too large to carry (<see cref="MaxLength"/>). A value that fits
    /// uncompressed is stored as its JSON: setting up DEFLATE for each value cost more than the whole compression of a
    /// flow's few KiB, and every step of every flow seals one. The login challenge is always compressed, since the
    /// consent values carry it inside them: stored, it would take more of their room than it does compressed, and a
    /// consent value that fits today could then no longer fit. A value too large to store is compressed as before, so
    /// every flow that fits compressed still fits.
    /// </summary>
    public string? Seal(Flow flow, FlowPurpose purpose)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(flow, SealedJson);
        if (purpose != FlowPurpose.LoginChallenge && Base64Url.GetEncodedLength(HeaderSize + json.Length) <= MaxLength)
        {
            return Encrypt(Stored, json, purpose);
        }

        using var compressed = new MemoryStream();
        using (var deflate = new DeflateStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(json);
        }

        var plaintext = compressed.GetBuffer().AsSpan(0, (int)compressed.Length);
        return Base64Url.GetEncodedLength(HeaderSize + plaintext.Length) > MaxLength ? null : Encrypt(Compressed, plaintext, purpose);
    }

    private string Encrypt(byte format, ReadOnlySpan<byte> plaintext, FlowPurpose purpose)
    {
        var blob = new byte[HeaderSize + plaintext.Length];
        blob[0] = format;
        BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(1, KeyIdSize), _current.Id);
        var nonce = blob.AsSpan(1 + KeyIdSize, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        Span<byte> associatedData = stackalloc byte[AssociatedDataSize];
        WriteAssociatedData(associatedData, format, _current.Id, purpose);
        Cipher(_current).Encrypt(nonce, plaintext, blob.AsSpan(HeaderSize), blob.AsSpan(1 + KeyIdSize + NonceSize, TagSize), associatedData);
        return Base64Url.EncodeToString(blob);
    }

    /// <summary>The flow sealed in <paramref name="value"/> for <paramref name="purpose"/>, or null when there is none.</summary>
    public Flow? Unseal(string? value, FlowPurpose purpose)
    {
        if (value is null || value.Length > MaxLength || !Base64Url.IsValid(value))
        {
            return null;
        }

        var blob = new byte[Base64Url.GetMaxDecodedLength(value.Length)];
        int length;
        try
        {
            if (!Base64Url.TryDecodeFromChars(value, blob, out length) || length <= HeaderSize || blob[0] is not (Compressed or Stored))
            {
                return null;
            }
        }
        catch (FormatException)
        {
            return null;
        }

        var keyId = BinaryPrimitives.ReadUInt32BigEndian(blob.AsSpan(1, KeyIdSize));
        if (!_keys.TryGetValue(keyId, out var key))
        {
            return null;
        }

        var plaintext = new byte[length - HeaderSize];
        Span<byte> associatedData = stackalloc byte[AssociatedDataSize];
        WriteAssociatedData(associatedData, blob[0], keyId, purpose);
        try
        {
            Cipher(key).Decrypt(blob.AsSpan(1 + KeyIdSize, NonceSize), blob.AsSpan(HeaderSize, plaintext.Length),
                blob.AsSpan(1 + KeyIdSize + NonceSize, TagSize), plaintext, associatedData);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }

        // Past this point the value is one this server sealed; what fails now is a bug, not an attack, but still no flow.
        return blob[0] == Stored ? Parse(plaintext, purpose) : Read(plaintext, purpose);
    }

    private static Flow? Parse(ReadOnlySpan<byte> json, FlowPurpose purpose)
    {
        try
        {
            var flow = JsonSerializer.Deserialize<Flow>(json, HydraJson.Options);
            return flow is not null && flow.Fits(purpose) ? flow : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Inflates and reads the flow. The inflation buffer is rented, not allocated: every step of every flow opens a
    /// sealed value, and a fresh 64 KiB array for each showed in the code flow's CPU profile. The part of it that held
    /// the flow is cleared before it goes back to the pool.
    /// </summary>
    private static Flow? Read(byte[] compressed, FlowPurpose purpose)
    {
        var json = ArrayPool<byte>.Shared.Rent(MaxJsonSize + 1);
        var length = 0;
        try
        {
            using (var deflate = new DeflateStream(new MemoryStream(compressed), CompressionMode.Decompress))
            {
                int read;
                while (length <= MaxJsonSize && (read = deflate.Read(json, length, MaxJsonSize + 1 - length)) > 0)
                {
                    length += read;
                }
            }

            if (length > MaxJsonSize)
            {
                return null;
            }

            return Parse(json.AsSpan(0, length), purpose);
        }
        catch (InvalidDataException)
        {
            return null;
        }
        finally
        {
            json.AsSpan(0, Math.Min(length, json.Length)).Clear();
            ArrayPool<byte>.Shared.Return(json);
        }
    }

    private static void WriteAssociatedData(Span<byte> data, byte format, uint keyId, FlowPurpose purpose)
    {
        data[0] = format;
        BinaryPrimitives.WriteUInt32BigEndian(data.Slice(1, KeyIdSize), keyId);
        data[^1] = (byte)purpose;
    }

    /// <summary>
    /// The key's AES-GCM instance on this thread: an instance is not safe for concurrent use, and making one per value
    /// repeated the key's set-up on every step of every flow (about a fifth of sealing and opening a flow). A process
    /// has a handful of keys; the tests make more, hence the bound.
    /// </summary>
    private static AesGcm Cipher(SealingKey key)
    {
        var ciphers = _ciphers ??= new Dictionary<byte[], AesGcm>(ReferenceEqualityComparer.Instance);
        if (!ciphers.TryGetValue(key.Key, out var cipher))
        {
            if (ciphers.Count >= 64)
            {
                foreach (var stale in ciphers.Values)
                {
                    stale.Dispose();
                }

                ciphers.Clear();
            }

            cipher = new AesGcm(key.Key, TagSize);
            ciphers[key.Key] = cipher;
        }

        return cipher;
    }

    [ThreadStatic]
    private static Dictionary<byte[], AesGcm>? _ciphers;

    private sealed record SealingKey(uint Id, byte[] Key)
    {
        public static SealingKey Of(SystemSecret secret) =>
            new(BinaryPrimitives.ReadUInt32BigEndian(secret.DeriveKey("flow-sealing-key-id", KeyIdSize)), secret.DeriveKey("flow-sealing"));
    }
}
