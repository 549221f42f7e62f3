using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Glint.Api;
using Glint.Api.Http;
using Glint.Auth;
using Glint.Auth.ApiKeys;
using Glint.Auth.OAuth2;
using Glint.Data;
using Glint.Server.Health;
using Glint.Wallets.Lightning;
using Microsoft.AspNetCore.DataProtection.KeyManagement.Internal;

namespace Glint.Server.Hosting;

/// <summary>
/// Once the node has said it is ready, does in the background, once, what the first API call or sign-in would otherwise pay for:
/// building routing's matcher and EF Core's context and model, the GraphQL schema, the Lightning node's key tables, compiling the read queries, the first run of GraphQL's parsing, validation and
/// execution, of OpenIddict's token validation and the API key lookup, and reading the login pages' key ring. It starts
/// after the first <c>/health/ready</c> answer (a load balancer's first probe), or <see cref="FallbackDelay"/> after
/// start when nothing probes, so that it never competes with getting ready. It changes nothing (the credentials it
/// checks do not exist and the user it reads has no account) but the key ring's first key on a new database, which
/// Data Protection would otherwise have created at start. It goes through the services, not over HTTP, so no rate limit or request
/// log ever sees it.
/// </summary>
public sealed partial class FirstUseWarmUp(IServiceProvider services, IHostApplicationLifetime lifetime, AuthSettings auth, ILogger<FirstUseWarmUp> logger)
    : IHostedService
{
    public static readonly TimeSpan FallbackDelay = TimeSpan.FromSeconds(2);

    /// <summary>What Blink's apps ask most often (and what the bench measures).</summary>
    private const string MeQuery = """{"query":"query { me { defaultAccount { wallets { id balance } } } }"}""";

    private Task? _running;
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the warm-up has run (or failed, which only costs the first request its time).</summary>
    public Task Completed => _running ?? Task.CompletedTask;

    /// <summary>Completes once the warm-up has run, however long it is until it begins; for work that must not compete with a start.</summary>
    public Task Finished => _finished.Task;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _ = Task.Delay(FallbackDelay, lifetime.ApplicationStopping)
            .ContinueWith(_ => Begin(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default));
        return Task.CompletedTask;
    }

    /// <summary>Starts the warm-up unless it has started already.</summary>
    public void Begin()
    {
        var running = new Task<Task>(() => RunAsync(lifetime.ApplicationStopping));
        if (Interlocked.CompareExchange(ref _running, running.Unwrap(), null) is null)
        {
            running.Start(TaskScheduler.Default);
        }
    }

    /// <summary>The host has signalled ApplicationStopping already, which cancels the warm-up.</summary>
    public async Task StopAsync(CancellationToken cancellationToken) =>
        await Completed.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using (var scope = services.CreateAsyncScope())
            {
                if (services.GetService<HealthProbeRouting>() is { } routing)
                {
                    await routing.WarmRoutingAsync(scope.ServiceProvider, cancellationToken);
                }

                // EF Core's services and model: a start reads and checks its database without them (StartupDatabase).
                _ = scope.ServiceProvider.GetRequiredService<GlintDbContext>().Model;
            }

            services.GetRequiredService<GlintSchema>();
            _ = services.GetService<LightningNode>()?.NodeId;
            await using (var scope = services.CreateAsyncScope())
            {
                await GraphQLAsync(scope.ServiceProvider, cancellationToken);
            }

            await using (var scope = services.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<AccessTokens>().ValidateAccessTokenAsync(UnknownAccessToken(), cancellationToken);
                await scope.ServiceProvider.GetRequiredService<ApiKeyStore>().ValidateAsync(auth.ApiKeyPrefix + "_warm-up", cancellationToken);
            }

            // What Data Protection's own hosted service would have read before the node listened (DeferLoginKeyRing).
            services.GetService<IKeyRingProvider>()?.GetCurrentKeyRing();
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, exception);
        }
        finally
        {
            _finished.TrySetResult();
        }
    }

    /// <summary>`me` as an app sends it, for a signed-in user without an account: answered NOT_AUTHORIZED after one read.</summary>
    private static async Task GraphQLAsync(IServiceProvider scoped, CancellationToken cancellationToken)
    {
        var http = new DefaultHttpContext { RequestServices = scoped, RequestAborted = cancellationToken };
        http.Request.Method = HttpMethods.Post;
        http.Request.Path = GraphQLApi.Path;
        http.Request.ContentType = "application/json";
        http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(MeQuery));
        http.Response.Body = Stream.Null;
        http.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", Guid.Empty.ToString("D")), new Claim("scope", "read")], "warm-up"));
        await scoped.GetRequiredService<GraphQLEndpoint>().PostAsync(http);
    }

    /// <summary>
    /// Takes Data Protection's hosted service out of the start: it reads the login pages' key ring from the database
    /// before the node listens, though only the login pages use it. The warm-up reads it instead, once the node is
    /// ready, so the first sign-in does not wait for it either. (The service is internal to ASP.NET Core: it is found
    /// by name, and if it is ever renamed the key ring is simply read at start again.)
    /// </summary>
    public static void DeferLoginKeyRing(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        foreach (var descriptor in services.Where(IsKeyRingAtStart).ToList())
        {
            services.Remove(descriptor);
        }
    }

    /// <summary>Data Protection's hosted service, which reads the key ring when the host starts.</summary>
    public static bool IsKeyRingAtStart(ServiceDescriptor descriptor) =>
        descriptor is { ServiceType: var type, IsKeyedService: false } && type == typeof(IHostedService) &&
        descriptor.ImplementationType?.FullName == "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService";

    /// <summary>Shaped as Glint's opaque access tokens are, so that OpenIddict looks it up (and finds nothing).</summary>
    private static string UnknownAccessToken() => TokenPrefix.AccessToken + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    [LoggerMessage(EventId = 5200, Level = LogLevel.Debug, Message = "Warming up the first API call failed; the first request pays for it instead")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
