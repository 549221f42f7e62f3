using Microsoft.Extensions.Configuration;

namespace Glint.Callbacks;

/// <summary>What the operator allows callback endpoints to be (configuration section <c>webhooks</c>).</summary>
public sealed class CallbackOptions
{
    public const string Section = "webhooks";

    /// <summary><c>webhooks.allow_http</c>: plain http URLs, for development; https only otherwise.</summary>
    [ConfigurationKeyName("allow_http")]
    public bool AllowHttp { get; set; }

    /// <summary>
    /// <c>webhooks.allow_private_targets</c>: endpoints on loopback, private, link-local or metadata addresses. Off by
    /// default, so that no user can make the server call the services of its own network.
    /// </summary>
    [ConfigurationKeyName("allow_private_targets")]
    public bool AllowPrivateTargets { get; set; }

    /// <summary><c>webhooks.retry_delays</c>: the waits between attempts (see <see cref="Delivery.RetrySchedule"/>).</summary>
    [ConfigurationKeyName("retry_delays")]
    public string RetryDelays { get; set; } = Delivery.RetrySchedule.SvixDelays;

    /// <summary>How long the dispatcher waits between looks for due deliveries when nothing wakes it.</summary>
    [ConfigurationKeyName("poll_interval")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
}
