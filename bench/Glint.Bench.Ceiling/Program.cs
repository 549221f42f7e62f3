// The ceiling of Glint's benchmarks: the same Kestrel and the same slim host Glint runs on, answering every request
// on "/" with a small JSON body and doing nothing else. What this serves per second is what HTTP alone costs on
// the machine; the GraphQL figures are compared with it. Listens on 127.0.0.1:<first argument>.
using System.Globalization;
using System.Net;

var port = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 4700;
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.UseKestrel(kestrel =>
{
    kestrel.Listen(IPAddress.Loopback, port);
    kestrel.AddServerHeader = false;
});

var app = builder.Build();
app.Map("/", () => Results.Json(new Reply(true, "ceiling")));
await app.RunAsync();

internal sealed record Reply(bool Ok, string Server);
