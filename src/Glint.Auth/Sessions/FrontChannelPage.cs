using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Glint.Auth.Sessions;

/// <summary>
/// The page that ends a session for front-channel clients: it loads each client's logout URI in a hidden frame, then
/// continues to the destination once they have loaded (or after three seconds, so a dead client cannot trap the user).
/// </summary>
public static class FrontChannelPage
{
    public static IResult Render(IReadOnlyList<string> logoutUris, string destination)
    {
        var frames = new StringBuilder();
        foreach (var uri in logoutUris)
        {
            frames.Append("<iframe hidden src=\"").Append(WebUtility.HtmlEncode(uri)).Append("\"></iframe>\n");
        }

        var target = WebUtility.HtmlEncode(destination);
        var script = System.Text.Json.JsonSerializer.Serialize(destination);
        return Results.Content(
            $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Signing out</title>
            <noscript><meta http-equiv="refresh" content="3;url={{target}}"></noscript></head>
            <body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem">
            <p>Signing you out of the applications you used&hellip; <a href="{{target}}">Continue</a></p>
            {{frames}}<script>
            (function () {
              var frames = document.getElementsByTagName('iframe'), left = frames.length, gone = false;
              function go() { if (!gone) { gone = true; window.location.replace({{script}}); } }
              for (var i = 0; i < frames.length; i++) { frames[i].addEventListener('load', function () { if (--left === 0) { go(); } }); }
              setTimeout(go, 3000);
            })();
            </script></body></html>
            """,
            "text/html; charset=utf-8");
    }
}
