using System.Net;
using System.Text;
using Glint.Cli.Connection;

namespace Glint.Cli.Tokens;

/// <summary>
/// The local web server that receives the browser at the redirect URI, on loopback only (RFC 8252 §7.3): nothing
/// beyond this machine can deliver a code to it. <c>/</c> sends the browser on to the authorization URL.
/// </summary>
internal sealed class CallbackListener : IDisposable
{
    private readonly HttpListener _listener = new();

    private CallbackListener(int port)
    {
        Port = port;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
    }

    public int Port { get; }

    public static CallbackListener Start(int port)
    {
        var listener = new CallbackListener(port);
        try
        {
            listener._listener.Start();
            return listener;
        }
        catch (HttpListenerException exception)
        {
            listener.Dispose();
            throw new CliException($"cannot listen on 127.0.0.1:{port} for the callback ({exception.Message}); choose another port with --port.");
        }
    }

    /// <summary>Waits for the browser at <paramref name="callbackPath"/>; other paths are answered here and waited past.</summary>
    public async Task<HttpListenerContext> WaitForCallbackAsync(string callbackPath, string authorizationUrl, CancellationToken cancellationToken)
    {
        // HttpListener has no cancellable wait: stopping it ends the pending one.
        using var stop = cancellationToken.Register(_listener.Stop);
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException && cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            var path = context.Request.Url?.AbsolutePath ?? "/";
            if (path == callbackPath)
            {
                return context;
            }

            if (path == "/")
            {
                context.Response.Redirect(authorizationUrl);
                context.Response.Close();
                continue;
            }

            context.Response.StatusCode = 404;
            context.Response.Close();
        }
    }

    /// <summary>The page the browser shows at the end: what happened, and to go back to the terminal.</summary>
    public static void Answer(HttpListenerContext context, bool success, string message)
    {
        var html = $"<!doctype html><html><head><meta charset=\"utf-8\"><title>Glint</title></head><body><h1>{(success ? "Logged in" : "Login failed")}</h1>" +
                   $"<p>{WebUtility.HtmlEncode(message)}</p><p>You can close this window and go back to the terminal.</p></body></html>";
        var bytes = Encoding.UTF8.GetBytes(html);
        context.Response.StatusCode = success ? 200 : 400;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers["Cache-Control"] = "no-store";
        context.Response.ContentLength64 = bytes.Length;
        context.Response.OutputStream.Write(bytes);
        context.Response.Close();
    }

    public void Dispose() => ((IDisposable)_listener).Dispose();
}
