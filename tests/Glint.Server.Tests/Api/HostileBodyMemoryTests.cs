using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.Api;

/// <summary>
/// Sixteen anonymous 25 MB bodies at once are refused without the server holding them: the process (the server runs
/// in the test's own process) grows less than 100 MB above where it was. Half announce their length, half are chunked.
/// </summary>
[Collection(MemoryMeasured.Name)]
public abstract class HostileBodyMemoryTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private const int Senders = 16;
    private const long BodyBytes = 25L * 1024 * 1024;
    private const long AllowedGrowthKb = 100 * 1024;

    [Fact]
    public async Task SixteenConcurrent25MbBodies_AreRefusedWithinTheMemoryBound()
    {
        await server.DataAsync(null, "query { globals { network } }"); // everything the first request loads is loaded
        var (baselineKb, peakResets) = ProcessMemory.Baseline();

        var responses = await Task.WhenAll(Enumerable.Range(0, Senders).Select(i => RawGraphQLPost.SendAsync(server, BodyBytes, chunked: i % 2 == 1)));

        var afterKb = ProcessMemory.PeakKb(peakResets);
        Assert.All(responses, response => Assert.Equal(413, response.Status));
        Assert.True(afterKb - baselineKb < AllowedGrowthKb,
            $"the process grew from {baselineKb / 1024} MB to {afterKb / 1024} MB{(peakResets ? " at its peak" : "")}");
        await server.DataAsync(null, "query { globals { network } }");
    }
}

/// <summary><c>POST /graphql</c> over a raw connection, for bodies too large to build or to send with HttpClient.</summary>
public static class RawGraphQLPost
{
    /// <summary>
    /// Sends one body over a raw connection, so that nothing on the client's side buffers it, until the server answers
    /// or closes; returns the status the server answered with (0 if it closed without answering) and what it sent
    /// (its head only, unless <paramref name="readToEnd"/>).
    /// </summary>
    public static async Task<(int Status, string Text)> SendAsync(GlintServerFixture server, long bodyBytes, bool chunked, bool readToEnd = false)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", server.PublicPort);
        var stream = client.GetStream();
        var headers = "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + bodyBytes.ToString(CultureInfo.InvariantCulture) + "\r\n") + "\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(headers));

        var response = ReadResponseAsync(stream, readToEnd);
        var chunk = new byte[64 * 1024];
        chunk.AsSpan().Fill((byte)'a');
        "{\"query\":\""u8.CopyTo(chunk);
        try
        {
            for (long sent = 0; sent < bodyBytes && !response.IsCompleted; sent += chunk.Length)
            {
                var part = chunk.AsMemory(0, (int)Math.Min(chunk.Length, bodyBytes - sent));
                if (chunked)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(part.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"));
                    await stream.WriteAsync(part);
                    await stream.WriteAsync("\r\n"u8.ToArray());
                }
                else
                {
                    await stream.WriteAsync(part);
                }
            }

            if (chunked && !response.IsCompleted)
            {
                await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
            }
        }
        catch (IOException)
        {
            // The server closed the connection after answering.
        }

        return await response;
    }

    private static async Task<(int Status, string Text)> ReadResponseAsync(NetworkStream stream, bool readToEnd)
    {
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                received.Write(buffer, 0, read);
                if (!readToEnd && Encoding.ASCII.GetString(received.GetBuffer(), 0, (int)received.Length).Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }
        catch (IOException)
        {
            // Reset after the answer arrived, or without one.
        }

        var text = Encoding.UTF8.GetString(received.ToArray());
        return (text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) ? int.Parse(text.AsSpan(9, 3), CultureInfo.InvariantCulture) : 0, text);
    }
}

public sealed class SqliteHostileBodyMemoryTests(SqliteServerFixture server) : HostileBodyMemoryTests<SqliteServerFixture>(server);

public sealed class PostgresHostileBodyMemoryTests(PostgresServerFixture server) : HostileBodyMemoryTests<PostgresServerFixture>(server);
