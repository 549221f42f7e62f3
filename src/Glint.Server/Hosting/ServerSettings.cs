using System.Globalization;
using System.Net;
using Glint.Auth;
using Glint.Auth.Clients;
using Glint.Data;
using Glint.Data.Secrets;
using Glint.Login;
using Glint.Login.Phones;
using Glint.Server.Requests;

namespace Glint.Server.Hosting;

/// <summary>The settings of <c>glint serve</c>, checked once at start-up with messages that say how to fix them.</summary>
public sealed class ServerSettings
{
    /// <summary>Used only when every listener is on loopback and no secret is configured; start-up warns loudly.</summary>
    public const string DevelopmentSecret = "glint-development-secret-never-use-in-production";

    public required DatabaseDsn Dsn { get; init; }
    public required string PublicHost { get; init; }
    public required int PublicPort { get; init; }
    public required string AdminHost { get; init; }
    public required int AdminPort { get; init; }
    public required string Secret { get; init; }
    public required bool UsesDevelopmentSecret { get; init; }
    public required bool Dev { get; init; }

    /// <summary>
    /// A development setup: <c>--dev</c>, or an issuer on loopback, which no one but this machine can use to sign in.
    /// Listening on loopback alone says nothing: production nodes often sit behind a proxy on the same host.
    /// </summary>
    public required bool Development { get; init; }

    /// <summary><c>--accept-issuer-change</c>: this start replaces the issuer recorded in the database with its own.</summary>
    public bool AcceptIssuerChange { get; init; }

    /// <summary>
    /// Load balancers whose <c>X-Forwarded-For</c> names the client (addresses or CIDR networks). Without them every
    /// per-address limit would count the balancer's address; with none configured the header is ignored.
    /// </summary>
    public IReadOnlyList<System.Net.IPNetwork> TrustedProxies { get; init; } = [];
    public required AuthSettings Auth { get; init; }

    /// <summary>The built-in login, consent and account pages.</summary>
    public required LoginOptions Login { get; init; }
    public required bool JsonLogs { get; init; }

    /// <summary>The request body limits per kind of endpoint.</summary>
    public RequestLimits RequestLimits { get; init; } = new();

    /// <summary>The fixed BTC/USD price of the default price provider (<c>price.btc_usd</c>, US dollars per bitcoin).</summary>
    public required Ledger.BtcUsdPrice Price { get; init; }

    /// <summary>
    /// The HTTP JSON price feed this node polls (<c>prices.source = feed</c>); null with the fixed price
    /// (<c>prices.source = fixed</c>, the default). <see cref="Price"/> is then the price until the feed first answers.
    /// </summary>
    public Wallets.Prices.PriceFeedOptions? PriceFeed { get; init; }

    /// <summary>How long delivered and failed callback deliveries are kept before the janitor deletes them (<c>webhooks.delivery_retention</c>).</summary>
    public TimeSpan CallbackDeliveryRetention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>The network of the invoices Glint issues and pays (<c>lightning.network</c>: bc, tb, tbs or bcrt; regtest by default).</summary>
    public required Lightning.Bolt11.Bolt11Network LightningNetwork { get; init; }

    /// <summary>How often this node deletes expired and dead rows (<c>janitor.interval</c>); null: never (the default).</summary>
    public TimeSpan? JanitorInterval { get; init; }

    /// <summary>How long audit events are kept before the janitor deletes them (<c>audit.retention</c>, 90 days by default).</summary>
    public TimeSpan AuditRetention { get; init; } = TimeSpan.FromDays(90);

    /// <summary>How long the server's rows stay useful, which the janitor must respect.</summary>
    public Maintenance.RowLifetimes RowLifetimes => new(Auth.FlowLifetime, new[]
    {
        Login.Limits.CodesPerEmailWindow, Login.Limits.CodesPerIpWindow, Login.Limits.FailuresPerIdentifierWindow, Login.Limits.FailuresPerIpWindow,
    }.Max())
    {
        CallbackDeliveryRetention = CallbackDeliveryRetention,
        AuditRetention = AuditRetention,
    };

    public static ServerSettings Read(IConfiguration config)
    {
        var dev = Flag(config, ConfigurationKeys.Dev);
        var publicHost = config[ConfigurationKeys.PublicHost] ?? "127.0.0.1";
        var adminHost = config[ConfigurationKeys.AdminHost] ?? "127.0.0.1";
        var publicPort = Port(config, ConfigurationKeys.PublicPort, 4444);
        var adminPort = Port(config, ConfigurationKeys.AdminPort, 4445);

        var issuerText = config[ConfigurationKeys.Issuer] ?? $"http://127.0.0.1:{publicPort.ToString(CultureInfo.InvariantCulture)}";
        if (!Uri.TryCreate(issuerText, UriKind.Absolute, out var issuer) || issuer.Scheme is not ("http" or "https") ||
            issuer.Query.Length > 0 || issuer.Fragment.Length > 0)
        {
            throw new SettingsException($"The issuer '{issuerText}' must be an absolute http(s) URL without query or fragment (--issuer or URLS_SELF_ISSUER).");
        }

        var httpIssuer = issuer.Scheme == "http";
        if (httpIssuer && !issuer.IsLoopback && !dev)
        {
            throw new SettingsException($"The issuer '{issuerText}' uses http on a non-loopback host. Use https, or pass --dev for a development setup.");
        }

        var development = dev || issuer.IsLoopback;
        var loopbackOnly = IsLoopback(publicHost) && IsLoopback(adminHost);
        var secret = config[ConfigurationKeys.SystemSecret];
        if (string.IsNullOrEmpty(secret) && !loopbackOnly)
        {
            throw new SettingsException("A system secret is required when Glint listens beyond loopback: set SECRETS_SYSTEM (at least 16 characters).");
        }

        if (secret is { Length: > 0 and < SystemSecret.MinimumLength })
        {
            throw new SettingsException($"The system secret must be at least {SystemSecret.MinimumLength} characters long.");
        }

        DatabaseDsn dsn;
        try
        {
            dsn = DatabaseDsn.Parse(config[ConfigurationKeys.Dsn] ?? "sqlite://glint.db");
        }
        catch (FormatException exception)
        {
            throw new SettingsException(exception.Message);
        }

        var strategy = (config[ConfigurationKeys.AccessTokenStrategy] ?? "opaque").ToLowerInvariant();
        if (strategy is not ("opaque" or "jwt"))
        {
            throw new SettingsException($"strategies.access_token must be 'opaque' or 'jwt', not '{strategy}'.");
        }

        return new ServerSettings
        {
            Dsn = dsn,
            PublicHost = publicHost,
            PublicPort = publicPort,
            AdminHost = adminHost,
            AdminPort = adminPort,
            Secret = string.IsNullOrEmpty(secret) ? DevelopmentSecret : secret,
            UsesDevelopmentSecret = string.IsNullOrEmpty(secret),
            Dev = dev,
            Development = development,
            AcceptIssuerChange = Flag(config, ConfigurationKeys.AcceptIssuerChange),
            TrustedProxies = ReadProxies(config),
            RequestLimits = ReadRequestLimits(config),
            Price = ReadPrice(config),
            PriceFeed = ReadPriceFeed(config),
            CallbackDeliveryRetention = Duration(config, ConfigurationKeys.CallbackDeliveryRetention, TimeSpan.FromDays(30)),
            AuditRetention = Duration(config, ConfigurationKeys.AuditRetention, TimeSpan.FromDays(90)),
            LightningNetwork = ReadLightningNetwork(config),
            JanitorInterval = config[ConfigurationKeys.JanitorInterval] is null ? null : Duration(config, ConfigurationKeys.JanitorInterval, TimeSpan.Zero),
            JsonLogs = ReadJsonLogs(config),
            Login = new LoginOptions
            {
                AdminApi = new Uri($"http://{LocalAddress(adminHost)}:{adminPort}/"),
                // The built-in app sends these as remember_for, which the admin API takes up to ten years.
                RememberLoginFor = Duration(config, ConfigurationKeys.LoginRememberFor, TimeSpan.FromHours(1), max: ClientLimits.MaxLifespan),
                RememberConsentFor = Duration(config, ConfigurationKeys.ConsentRememberFor, TimeSpan.FromDays(30), allowZero: true, max: ClientLimits.MaxLifespan),
                CodeLifetime = Duration(config, ConfigurationKeys.LoginCodeTtl, TimeSpan.FromMinutes(15)),
                SmtpUri = SmtpUri(config),
                MailFrom = config[ConfigurationKeys.MailFrom] is { Length: > 0 } from ? from : "Glint <no-reply@glint.localhost>",
                Sms = ReadSms(config),
                SecureCookies = issuer.Scheme == Uri.UriSchemeHttps,
                Limits = ReadLoginLimits(config),
                Developers = ReadDeveloperPortal(config),
            },
            Auth = new AuthSettings
            {
                Issuer = issuer,
                AllowHttp = httpIssuer,
                AccessTokenLifetime = Duration(config, ConfigurationKeys.AccessTokenTtl, TimeSpan.FromHours(1)),
                RefreshTokenLifetime = Duration(config, ConfigurationKeys.RefreshTokenTtl, TimeSpan.FromHours(720)),
                IdTokenLifetime = Duration(config, ConfigurationKeys.IdTokenTtl, TimeSpan.FromHours(1)),
                AuthorizationCodeLifetime = Duration(config, ConfigurationKeys.AuthCodeTtl, TimeSpan.FromMinutes(10)),
                JwtAccessTokens = strategy == "jwt",
                LoginUrl = Url(config, ConfigurationKeys.LoginUrl),
                ConsentUrl = Url(config, ConfigurationKeys.ConsentUrl),
                LogoutUrl = Url(config, ConfigurationKeys.LogoutUrl),
                DeviceVerificationUrl = Url(config, ConfigurationKeys.DeviceVerificationUrl),
                DeviceSuccessUrl = Url(config, ConfigurationKeys.DeviceSuccessUrl),
                FlowLifetime = Duration(config, ConfigurationKeys.FlowTtl, TimeSpan.FromMinutes(30)),
                RefreshTokenReuseLeeway = Duration(config, ConfigurationKeys.RefreshReuseLeeway, TimeSpan.FromSeconds(10), allowZero: true),
                PkceEnforced = Flag(config, ConfigurationKeys.PkceEnforced),
                PushedAuthorizationRequestsEnforced = Flag(config, ConfigurationKeys.PushedAuthorizationRequestsEnforced),
                AllowPrivateTargets = Flag(config, ConfigurationKeys.WebhooksAllowPrivateTargets),
                PushedAuthorizationRequestLifetime = Duration(config, ConfigurationKeys.PushedAuthorizationRequestTtl, TimeSpan.FromSeconds(60)),
                DpopNoncesRequired = Flag(config, ConfigurationKeys.DpopRequireNonce),
                CredentialRevocationBound = Duration(config, ConfigurationKeys.RevocationBound, TimeSpan.FromSeconds(5), allowZero: true),
                Dev = dev,
            },
        };
    }

    /// <summary>
    /// The login attempt limits; each count may be raised (a sign-in form behind a shared address, a load test) or
    /// lowered, never turned off. The windows stay Blink's.
    /// </summary>
    private static LoginLimits ReadLoginLimits(IConfiguration config)
    {
        var defaults = new LoginLimits();
        return new LoginLimits
        {
            CodesPerEmail = Count(config, ConfigurationKeys.LoginCodesPerEmail, defaults.CodesPerEmail),
            CodesPerIp = Count(config, ConfigurationKeys.LoginCodesPerIp, defaults.CodesPerIp),
            FailuresPerIdentifier = Count(config, ConfigurationKeys.LoginFailuresPerEmail, defaults.FailuresPerIdentifier),
            FailuresPerIp = Count(config, ConfigurationKeys.LoginFailuresPerIp, defaults.FailuresPerIp),
            FailuresPerCode = Count(config, ConfigurationKeys.LoginFailuresPerCode, defaults.FailuresPerCode),
        };
    }

    /// <summary>The scopes the developer portal offers (comma-separated) and its per-developer limits.</summary>
    private static Glint.Login.Developers.DeveloperPortalOptions ReadDeveloperPortal(IConfiguration config)
    {
        var defaults = new Glint.Login.Developers.DeveloperPortalOptions();
        return new Glint.Login.Developers.DeveloperPortalOptions
        {
            Scopes = config[ConfigurationKeys.DeveloperScopes] is { Length: > 0 } scopes
                ? scopes.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList()
                : defaults.Scopes,
            MaxAppsPerDeveloper = Count(config, ConfigurationKeys.DeveloperMaxApps, defaults.MaxAppsPerDeveloper),
            MaxRegistrationsPerDay = Count(config, ConfigurationKeys.DeveloperRegistrationsPerDay, defaults.MaxRegistrationsPerDay),
            DynamicRegistration = ReadDynamicRegistration(config),
        };
    }

    /// <summary>Dynamic client registration: Hydra's keys, with Glint's automatic approval and per-address limit beside them.</summary>
    private static Glint.Login.Developers.DynamicRegistrationOptions ReadDynamicRegistration(IConfiguration config)
    {
        var defaults = new Glint.Login.Developers.DynamicRegistrationOptions();
        return new Glint.Login.Developers.DynamicRegistrationOptions
        {
            Enabled = Flag(config, ConfigurationKeys.DynamicRegistrationEnabled),
            AutoApprove = Flag(config, ConfigurationKeys.DynamicRegistrationAutoApprove),
            DefaultScope = ReadList(config, ConfigurationKeys.DynamicRegistrationDefaultScope) is { Count: > 0 } scope ? scope : defaults.DefaultScope,
            RegistrationsPerIp = Count(config, ConfigurationKeys.DynamicRegistrationsPerIp, defaults.RegistrationsPerIp),
        };
    }

    /// <summary>A list given as one string (space- or comma-separated, as in an environment variable) or as a JSON array.</summary>
    private static List<string> ReadList(IConfiguration config, string key)
    {
        var items = config[key] is { Length: > 0 } text
            ? text.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : config.GetSection(key).GetChildren().Select(child => child.Value?.Trim() ?? "").Where(item => item.Length > 0);
        return [.. items.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The body limits may be raised (large client documents, signed request objects) or lowered, never turned off.</summary>
    private static RequestLimits ReadRequestLimits(IConfiguration config)
    {
        var defaults = new RequestLimits();
        return new RequestLimits
        {
            FormBodyBytes = Bytes(config, ConfigurationKeys.FormBodyLimit, defaults.FormBodyBytes),
            AdminBodyBytes = Bytes(config, ConfigurationKeys.AdminBodyLimit, defaults.AdminBodyBytes),
        };
    }

    private static long Bytes(IConfiguration config, string key, long fallback)
    {
        var text = config[key];
        if (text is null)
        {
            return fallback;
        }

        // 1 KB to 1 GB: below that no request fits, above it one request could hold a node's memory.
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) && bytes is >= 1024 and <= 1024 * 1024 * 1024
            ? bytes
            : throw new SettingsException($"{key.Replace(':', '.')} must be a number of bytes between 1024 and 1073741824, not '{text}'.");
    }

    /// <summary>Where this process reaches its own admin port: a wildcard listener is reached on loopback.</summary>
    /// <summary>
    /// <c>log.format</c>: <c>json</c> or <c>text</c>; unset, people at a terminal get text and pipes, files and log
    /// collectors get JSON.
    /// </summary>
    private static bool ReadJsonLogs(IConfiguration config)
    {
        var format = config[ConfigurationKeys.LogFormat]?.Trim();
        if (string.IsNullOrEmpty(format))
        {
            return Console.IsOutputRedirected;
        }

        return string.Equals(format, "json", StringComparison.OrdinalIgnoreCase) ? true
            : string.Equals(format, "text", StringComparison.OrdinalIgnoreCase) ? false
            : throw new SettingsException($"log.format must be 'json' or 'text', not '{format}'.");
    }

    private static string LocalAddress(string host) =>
        host is "0.0.0.0" or "::" or "[::]" or "*" or "+" ? "127.0.0.1"
        : IPAddress.TryParse(host, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{host}]"
        : host;

    private static List<System.Net.IPNetwork> ReadProxies(IConfiguration config)
    {
        var proxies = new List<System.Net.IPNetwork>();
        foreach (var entry in (config[ConfigurationKeys.TrustedProxies] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (System.Net.IPNetwork.TryParse(entry, out var network))
            {
                proxies.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address))
            {
                proxies.Add(new System.Net.IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                throw new SettingsException($"serve.trusted_proxies must list IP addresses or networks such as 10.0.0.0/8, not '{entry}'.");
            }
        }

        return proxies;
    }

    /// <summary>The SMS provider, all or nothing: a URL without its account and sender is a mistake to report, not to ignore.</summary>
    private static SmsOptions? ReadSms(IConfiguration config)
    {
        var text = config[ConfigurationKeys.SmsUrl];
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || url.Host.Length == 0 || url.UserInfo.Length > 0)
        {
            throw new SettingsException("courier.sms.url must be the SMS provider's API base URL, such as https://api.twilio.com/2010-04-01, without credentials in it.");
        }

        if (url.Scheme == "http" && !IsLoopback(url.Host))
        {
            throw new SettingsException("courier.sms.url must use https: its requests carry the provider's credentials (http is allowed on loopback only).");
        }

        var sid = config[ConfigurationKeys.SmsAccountSid];
        var token = config[ConfigurationKeys.SmsAuthToken];
        var from = config[ConfigurationKeys.SmsFrom];
        var service = config[ConfigurationKeys.SmsMessagingServiceSid];
        if (string.IsNullOrEmpty(sid) || string.IsNullOrEmpty(token))
        {
            throw new SettingsException("courier.sms.url is set, so courier.sms.account_sid and courier.sms.auth_token (GLINT_SMS_ACCOUNT_SID, GLINT_SMS_AUTH_TOKEN) must be too.");
        }

        if (string.IsNullOrEmpty(from) && string.IsNullOrEmpty(service))
        {
            throw new SettingsException("courier.sms.url is set, so courier.sms.from or courier.sms.messaging_service_sid must say who sends the messages.");
        }

        return new SmsOptions { Url = url, AccountSid = sid, AuthToken = token, From = from, MessagingServiceSid = service };
    }

    private static Uri? SmtpUri(IConfiguration config)
    {
        var text = config[ConfigurationKeys.SmtpUri];
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "smtp" or "smtps" && uri.Host.Length > 0
            ? uri
            : throw new SettingsException("courier.smtp.connection_uri must be an smtp:// or smtps:// URL such as smtps://user:password@mail.example.com:465/.");
    }

    /// <summary>
    /// What <c>glint serve</c> needs beyond what every command reads: outside development, an SMTP server. Without
    /// one, sign-in codes could only be kept in the database and the log, where whoever reads them signs in as anyone.
    /// </summary>
    public void RequireServable()
    {
        if (Login.SmtpUri is null && !Development)
        {
            throw new SettingsException(
                "No SMTP server is configured for sign-in codes: set courier.smtp.connection_uri (COURIER_SMTP_CONNECTION_URI), " +
                $"or pass --dev to run issuer '{Auth.Issuer.AbsoluteUri}' as a development setup that keeps codes in the dev outbox.");
        }
    }

    public static bool IsLoopback(string host) =>
        host is "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    private static int Port(IConfiguration config, string key, int fallback)
    {
        var text = config[key];
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535
            ? port
            : throw new SettingsException($"{key.Replace(':', '.')} must be a port number, not '{text}'.");
    }

    /// <summary>
    /// A switch, false when unset. The spellings Go's configuration readers take (Hydra's among them), so an
    /// operator's <c>GLINT_DEV=1</c> means what it says; anything else stops the start with the setting's name.
    /// </summary>
    internal static bool Flag(IConfiguration config, string key)
    {
        var text = config[key];
        return text switch
        {
            null or "" => false,
            "1" or "t" or "T" => true,
            "0" or "f" or "F" => false,
            _ when bool.TryParse(text, out var value) => value,
            _ => throw new SettingsException($"{key.Replace(':', '.')} must be true or false, not '{text}'."),
        };
    }

    private static int Count(IConfiguration config, string key, int fallback)
    {
        var text = config[key];
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0
            ? count
            : throw new SettingsException($"{key.Replace(':', '.')} must be a whole number of at least 1, not '{text}'.");
    }

    private static Ledger.BtcUsdPrice ReadPrice(IConfiguration config)
    {
        var text = config[ConfigurationKeys.BtcUsdPrice] ?? "100000";
        return decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var dollars) && dollars >= 0.01m && dollars < 100_000_000m
            ? new Ledger.BtcUsdPrice((long)decimal.Round(dollars * 100m, MidpointRounding.ToZero))
            : throw new SettingsException($"price.btc_usd must be a price in US dollars per bitcoin such as 97000.50, not '{text}'.");
    }

    private static Wallets.Prices.PriceFeedOptions? ReadPriceFeed(IConfiguration config)
    {
        var source = (config[ConfigurationKeys.PriceSource] ?? "fixed").ToLowerInvariant();
        if (source == "fixed")
        {
            return null;
        }

        if (source != "feed")
        {
            throw new SettingsException($"prices.source must be 'fixed' (price.btc_usd) or 'feed' (prices.feed.url), not '{source}'.");
        }

        var text = config[ConfigurationKeys.PriceFeedUrl];
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.Fragment.Length > 0)
        {
            // The URL may hold credentials: the message never repeats it.
            throw new SettingsException("prices.feed.url must be an absolute http(s) URL such as https://api.example.com/v1/btc-usd when prices.source is 'feed'.");
        }

        if (!Wallets.Prices.FeedJsonPath.TryParse(config[ConfigurationKeys.PriceFeedJsonPath], out var path))
        {
            throw new SettingsException(
                $"prices.feed.json_path must say where the answer holds the BTC/USD price, such as data.amount or $.prices[0].usd, not '{config[ConfigurationKeys.PriceFeedJsonPath]}'.");
        }

        var interval = Duration(config, ConfigurationKeys.PriceFeedInterval, TimeSpan.FromMinutes(1));
        return interval >= TimeSpan.FromSeconds(1)
            ? new Wallets.Prices.PriceFeedOptions(url, path, interval)
            : throw new SettingsException("prices.feed.interval must be at least 1s.");
    }

    private static Lightning.Bolt11.Bolt11Network ReadLightningNetwork(IConfiguration config)
    {
        var text = config[ConfigurationKeys.LightningNetwork] ?? Lightning.Bolt11.Bolt11Network.Regtest.Prefix;
        return Lightning.Bolt11.Bolt11Network.Find(text)
            ?? throw new SettingsException($"lightning.network must be bc, tb, tbs or bcrt (or mainnet, testnet, signet, regtest), not '{text}'.");
    }

    private static Uri? Url(IConfiguration config, string key)
    {
        var text = config[key];
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            ? url
            : throw new SettingsException($"{key.Replace(':', '.')} must be an absolute http(s) URL, not '{text}'.");
    }

    private static TimeSpan Duration(IConfiguration config, string key, TimeSpan fallback, bool allowZero = false, TimeSpan? max = null)
    {
        var text = config[key];
        if (text is null)
        {
            return fallback;
        }

        if (!GoDuration.TryParse(text, out var duration) || !(duration > TimeSpan.Zero || (allowZero && duration == TimeSpan.Zero)))
        {
            throw new SettingsException($"{key.Replace(':', '.')} must be a positive duration such as 1h or 30m, not '{text}'.");
        }

        return max is not { } limit || duration <= limit
            ? duration
            : throw new SettingsException($"{key.Replace(':', '.')} must be at most {GoDuration.Format(limit)}, not '{text}'.");
    }
}

/// <summary>A setting that cannot work; its message is shown to the operator as it is.</summary>
public sealed class SettingsException(string message) : StartupRefusedException(message);
