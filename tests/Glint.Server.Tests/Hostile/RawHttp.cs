using System.Net.Sockets;
using System.Text;

namespace Glint.Server.Tests.Hostile;

/// <summary>An HTTP answer as the wire carried it.</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string ContentType => Headers.GetValueOrDefault("content-type", "");

    public string Describe() => $"{Status} {ContentType} {(Body.Length > 400 ? Body[..400] + "…" : Body)}";
}

/// <summary>
/// HTTP/1.1 over a bare socket: hostile requests need bytes no HTTP client sends (broken percent-encoding, invalid
/// UTF-8, a body larger than its endpoint reads sent without waiting for an answer).
/// </summary>
public static class RawHttp
{
    public static Task<RawResponse> SendAsync(int port, string method, string target, string? contentType = null, byte[]? body = null,
        IEnumerable<KeyValuePair<string, string>>? headers = null, bool chunked = false) =>
        SendAsync(port, Encoding.Latin1.GetBytes(target), method, contentType, body, headers, chunked);

    /// <summary>Sends one request on a fresh connection; <paramref name="target"/> is written as it is, byte for byte.</summary>
    public static async Task<RawResponse> SendAsync(int port, byte[] target, string method, string? contentType = null, byte[]? body = null,
        IEnumerable<KeyValuePair<string, string>>? headers = null, bool chunked = false)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
        var stream = client.GetStream();
        var head = new MemoryStream();
        head.Write(Encoding.ASCII.GetBytes(method + " "));
        head.Write(target);
        var text = new StringBuilder(" HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n");
        if (contentType is not null)
        {
            text.Append("Content-Type: ").Append(contentType).Append("\r\n");
        }

        if (body is not null)
        {
            text.Append(chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + body.Length).Append("\r\n");
        }

        foreach (var (name, value) in headers ?? [])
        {
            text.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        head.Write(Encoding.Latin1.GetBytes(text.Append("\r\n").ToString()));
        try
        {
            await stream.WriteAsync(head.ToArray());
            if (body is not null)
            {
                // Chunked: the length is not known up front, so only reading the body can find it too large.
                await stream.WriteAsync(chunked ? Encoding.ASCII.GetBytes($"{body.Length:x}\r\n") : []);
                await stream.WriteAsync(body);
                await stream.WriteAsync(chunked ? "\r\n0\r\n\r\n"u8.ToArray() : []);
            }
        }
        catch (IOException)
        {
            // The server answered and closed before taking the whole body: its answer is what counts.
        }

        var received = new MemoryStream();
        try
        {
            await stream.CopyToAsync(received);
        }
        catch (IOException) when (received.Length > 0)
        {
            // A reset after the answer arrived.
        }

        return Parse(received.ToArray());
    }

    private static RawResponse Parse(byte[] bytes)
    {
        var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            throw new InvalidOperationException($"No HTTP answer: {bytes.Length} bytes received.");
        }

        var lines = Encoding.Latin1.GetString(bytes, 0, end).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        var body = bytes.AsSpan(end + 4).ToArray();
        if (headers.GetValueOrDefault("transfer-encoding", "").Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }

        return new RawResponse(status, headers, Encoding.UTF8.GetString(body));
    }

    private static byte[] Dechunk(byte[] chunked)
    {
        var output = new MemoryStream();
        var position = 0;
        while (position < chunked.Length)
        {
            var lineEnd = chunked.AsSpan(position).IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                break;
            }

            var size = Convert.ToInt32(Encoding.ASCII.GetString(chunked, position, lineEnd).Split(';')[0], 16);
            position += lineEnd + 2;
            if (size == 0)
            {
                break;
            }

            output.Write(chunked, position, Math.Min(size, chunked.Length - position));
            position += size + 2;
        }

        return output.ToArray();
    }
}
