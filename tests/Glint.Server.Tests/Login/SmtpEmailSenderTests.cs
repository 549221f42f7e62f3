using Glint.Login;
using Glint.Login.Email;
using Microsoft.Extensions.Logging.Abstractions;

namespace Glint.Server.Tests.Login;

public sealed class SmtpEmailSenderTests
{
    /// <summary>
    /// An address sign-in would refuse today may still be stored (from before the rule, or added by other means): mail
    /// to it is a failed delivery, which its callers answer, never the parser's exception. Nothing is sent: the SMTP
    /// server named is never reached, as the address is refused first.
    /// </summary>
    [Theory]
    [InlineData("a.@example.com")]
    [InlineData("\"a\u0001b\"@example.com")]
    public async Task AnAddressNoMailServerTakes_IsAFailedDelivery(string recipient)
    {
        var sender = new SmtpEmailSender(new LoginOptions { AdminApi = new Uri("http://127.0.0.1:4445"), SmtpUri = new Uri("smtp://127.0.0.1:1") }, NullLogger<SmtpEmailSender>.Instance);

        var failure = await Assert.ThrowsAsync<EmailDeliveryException>(() => sender.SendAsync(recipient, "subject", "body", TestContext.Current.CancellationToken));

        Assert.Equal("This email address cannot receive mail.", failure.Message);
    }
}
