namespace Glint.Callbacks.Delivery;

/// <summary>Tells an account's owner that one of its callback endpoints was disabled after failing for too long.</summary>
public interface IEndpointDisabledNotice
{
    Task SendAsync(Guid accountId, string url, CancellationToken cancellationToken);
}
