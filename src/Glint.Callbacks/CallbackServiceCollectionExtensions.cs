using Glint.Callbacks.Delivery;
using Glint.Callbacks.Endpoints;
using Glint.Data.Secrets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Glint.Callbacks;

public static partial class CallbackServiceCollectionExtensions
{
    /// <summary>
    /// Callback endpoints and their delivery (configuration section <c>webhooks</c>). Needs the wallet services and a
    /// <see cref="SystemSecret"/>. <paramref name="deliver"/> runs the dispatcher in this process.
    /// </summary>
    public static IServiceCollection AddGlintCallbacks(this IServiceCollection services, bool deliver = true)
    {
        services.AddOptions<CallbackOptions>().BindConfiguration(CallbackOptions.Section);
        services.TryAddSingleton(provider => new KeySealer(provider.GetRequiredService<SystemSecret>()));
        services.TryAddSingleton<EndpointUrlRules>();
        services.AddScoped<CallbackEndpointStore>();
        services.AddScoped<CallbackPayloads>();
        services.TryAddSingleton<CallbackSender>();
        services.TryAddSingleton(provider => new RetrySchedule(provider.GetRequiredService<IOptions<CallbackOptions>>().Value.RetryDelays));
        services.TryAddSingleton<CallbackDispatcher>();
        services.TryAddScoped<IEndpointDisabledNotice, LoggedNotice>();
        if (deliver)
        {
            services.AddHostedService<CallbackDispatcherService>();
        }

        return services;
    }

    /// <summary>Where no mail can be sent, the operator's log says it instead.</summary>
    private sealed partial class LoggedNotice(ILogger<LoggedNotice> logger) : IEndpointDisabledNotice
    {
        public Task SendAsync(Guid accountId, string url, CancellationToken cancellationToken)
        {
            LogDisabled(logger, accountId);
            return Task.CompletedTask;
        }

        [LoggerMessage(EventId = 7004, Level = LogLevel.Warning, Message = "A callback endpoint of account {AccountId} was disabled; no mail sender is configured to tell its owner")]
        private static partial void LogDisabled(ILogger logger, Guid accountId);
    }
}
