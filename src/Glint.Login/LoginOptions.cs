namespace Glint.Login;

/// <summary>The built-in login, consent and account pages' settings, read once at start-up.</summary>
public sealed class LoginOptions
{
    /// <summary>The admin API the pages answer challenges through, exactly as an external login app would.</summary>
    public required Uri AdminApi { get; init; }

    /// <summary>How long "Remember me" keeps a login (Hydra's <c>remember_for</c>; Blink uses an hour).</summary>
    public TimeSpan RememberLoginFor { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long "Remember this decision" keeps a consent; zero means until the user revokes it.</summary>
    public TimeSpan RememberConsentFor { get; init; } = TimeSpan.FromDays(30);

    public TimeSpan CodeLifetime { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>SMTP connection URI (<c>smtp://</c> with STARTTLS or <c>smtps://</c>, user and password in the URI); none means the dev outbox.</summary>
    public Uri? SmtpUri { get; init; }

    public string MailFrom { get; init; } = "Glint <no-reply@glint.localhost>";

    /// <summary>
    /// The SMS provider for phone sign-in codes. Without one, a development setup (no SMTP either) keeps them in the
    /// dev outbox; any other setup refuses phone sign-in.
    /// </summary>
    public Phones.SmsOptions? Sms { get; init; }

    public LoginLimits Limits { get; init; } = new();

    /// <summary>The developer portal's published scopes and per-developer limits.</summary>
    public Developers.DeveloperPortalOptions Developers { get; init; } = new();

    /// <summary>Cookies are marked Secure whenever the issuer is https.</summary>
    public bool SecureCookies { get; init; }
}

/// <summary>Attempt limits, with Blink's defaults; each counts within a sliding window.</summary>
public sealed class LoginLimits
{
    public int CodesPerEmail { get; init; } = 4;

    public TimeSpan CodesPerEmailWindow { get; init; } = TimeSpan.FromHours(1);

    public int CodesPerIp { get; init; } = 16;

    public TimeSpan CodesPerIpWindow { get; init; } = TimeSpan.FromHours(1);

    public int FailuresPerIdentifier { get; init; } = 6;

    public TimeSpan FailuresPerIdentifierWindow { get; init; } = TimeSpan.FromHours(1);

    public int FailuresPerIp { get; init; } = 20;

    public TimeSpan FailuresPerIpWindow { get; init; } = TimeSpan.FromHours(6);

    /// <summary>Wrong guesses one code survives before it is dead and a new one must be requested.</summary>
    public int FailuresPerCode { get; init; } = 3;
}
