using Glint.Callbacks.Delivery;
using Glint.Data;
using Microsoft.EntityFrameworkCore;

namespace Glint.Login.Email;

/// <summary>Emails an account's owner that a callback endpoint was disabled, through the sender the sign-in codes use.</summary>
public sealed class EndpointDisabledEmail(GlintDbContext db, IEmailSender sender, Glint.Auth.AuthSettings settings) : IEndpointDisabledNotice
{
    public async Task SendAsync(Guid accountId, string url, CancellationToken cancellationToken)
    {
        var email = await (from account in db.Accounts.AsNoTracking()
                           join user in db.Users.AsNoTracking() on account.UserId equals user.Id
                           where account.Id == accountId
                           select user.Email).SingleOrDefaultAsync(cancellationToken);
        if (string.IsNullOrEmpty(email))
        {
            return;
        }

        await sender.SendAsync(email, "A Glint callback endpoint was disabled",
            $"Glint could not deliver to your callback endpoint {url} for five days, so it has stopped calling it.\n\n" +
            $"Once the endpoint answers again, send a delivery again from {new Uri(settings.PublicBase, "account/callbacks").AbsoluteUri} to turn it back on.",
            cancellationToken);
    }
}
