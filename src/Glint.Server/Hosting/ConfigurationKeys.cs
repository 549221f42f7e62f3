namespace Glint.Server.Hosting;

/// <summary>
/// Every setting Glint reads, under Hydra's key where Hydra has one, with the environment variables that set it.
/// Hydra's own variable names (<c>DSN</c>, <c>SECRETS_SYSTEM</c>, <c>URLS_SELF_ISSUER</c>, …) work unchanged, so an
/// operator's Hydra environment carries over; <c>GLINT_</c> names take precedence over them.
/// </summary>
public static class ConfigurationKeys
{
    public const string Dsn = "dsn";
    public const string PublicHost = "serve:public:host";
    public const string PublicPort = "serve:public:port";
    public const string AdminHost = "serve:admin:host";
    public const string AdminPort = "serve:admin:port";
    public const string Issuer = "urls:self:issuer";
    public const string SystemSecret = "secrets:system";
    public const string Dev = "dev";

    /// <summary>A flag only (<c>--accept-issuer-change</c>): one start that records a new issuer for the database.</summary>
    public const string AcceptIssuerChange = "accept_issuer_change";
    public const string AccessTokenTtl = "ttl:access_token";
    public const string RefreshTokenTtl = "ttl:refresh_token";
    public const string IdTokenTtl = "ttl:id_token";
    public const string AuthCodeTtl = "ttl:auth_code";
    public const string AccessTokenStrategy = "strategies:access_token";
    public const string LoginUrl = "urls:login";
    public const string ConsentUrl = "urls:consent";
    public const string LogoutUrl = "urls:logout";
    public const string DeviceVerificationUrl = "urls:device:verification";
    public const string DeviceSuccessUrl = "urls:device:success";
    public const string FlowTtl = "ttl:login_consent_request";
    public const string PkceEnforced = "oauth2:pkce:enforced";
    public const string RefreshReuseLeeway = "oauth2:grant:refresh_token:rotation_grace_period";
    public const string PushedAuthorizationRequestsEnforced = "oauth2:pushed_authorization_requests:enforced";
    public const string PushedAuthorizationRequestTtl = "ttl:pushed_authorization_request";
    public const string DpopRequireNonce = "oauth2:dpop:require_nonce";
    public const string BtcUsdPrice = "price:btc_usd";
    public const string PriceSource = "prices:source";
    public const string PriceFeedUrl = "prices:feed:url";
    public const string PriceFeedJsonPath = "prices:feed:json_path";
    public const string PriceFeedInterval = "prices:feed:interval";
    public const string CallbackDeliveryRetention = "webhooks:delivery_retention";
    public const string LoginRememberFor = "login:remember_for";
    public const string ConsentRememberFor = "consent:remember_for";
    public const string LoginCodeTtl = "login:code_ttl";
    public const string LoginCodesPerEmail = "login:limits:codes_per_email";
    public const string LoginCodesPerIp = "login:limits:codes_per_ip";
    public const string LoginFailuresPerEmail = "login:limits:failures_per_email";
    public const string LoginFailuresPerIp = "login:limits:failures_per_ip";
    public const string LoginFailuresPerCode = "login:limits:failures_per_code";
    public const string DeveloperScopes = "developers:scopes";
    public const string DeveloperMaxApps = "developers:limits:apps";
    public const string DeveloperRegistrationsPerDay = "developers:limits:registrations_per_day";
    public const string DynamicRegistrationEnabled = "oidc:dynamic_client_registration:enabled";
    public const string DynamicRegistrationDefaultScope = "oidc:dynamic_client_registration:default_scope";
    public const string DynamicRegistrationAutoApprove = "oidc:dynamic_client_registration:auto_approve";
    public const string DynamicRegistrationsPerIp = "oidc:dynamic_client_registration:registrations_per_ip";
    public const string GraphQLBodyLimit = "api:limits:body_bytes";
    public const string GraphQLWebSocketMessageLimit = "api:limits:websocket_message_bytes";
    public const string SmtpUri = "courier:smtp:connection_uri";
    public const string MailFrom = "courier:smtp:from_address";
    public const string SmsUrl = "courier:sms:url";
    public const string SmsAccountSid = "courier:sms:account_sid";
    public const string SmsAuthToken = "courier:sms:auth_token";
    public const string SmsFrom = "courier:sms:from";
    public const string SmsMessagingServiceSid = "courier:sms:messaging_service_sid";
    public const string LightningNetwork = "lightning:network";
    public const string TrustedProxies = "serve:trusted_proxies";
    public const string FormBodyLimit = "serve:request_limits:form_body";
    public const string AdminBodyLimit = "serve:request_limits:admin_body";
    public const string RevocationBound = "api:revocation_bound";
    public const string LogFormat = "log:format";
    public const string LogLevel = "log:level";
    public const string JanitorInterval = "janitor:interval";
    public const string WebhooksAllowHttp = "webhooks:allow_http";
    public const string WebhooksAllowPrivateTargets = "webhooks:allow_private_targets";
    public const string WebhooksRetryDelays = "webhooks:retry_delays";
    public const string LightningAddressDomain = "api:lightning_address_domain";
    public const string LightningAddressDomainAliases = "api:lightning_address_domain_aliases";
    public const string TracingProvider = "tracing:provider";
    public const string TracingServiceName = "tracing:service_name";
    public const string TracingOtlpServerUrl = "tracing:providers:otlp:server_url";
    public const string TracingOtlpInsecure = "tracing:providers:otlp:insecure";
    public const string TracingSamplingRatio = "tracing:providers:otlp:sampling:sampling_ratio";

    /// <summary>The OpenTelemetry SDKs' own variable, kept apart from Hydra's server_url: it is always a URL.</summary>
    public const string OtelExporterEndpoint = "otel:exporter_otlp_endpoint";
    public const string AuditRetention = "audit:retention";

    /// <summary>Environment variables per key, lowest precedence first.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> EnvironmentVariables = new Dictionary<string, string[]>
    {
        [Dsn] = ["DSN", "GLINT_DSN"],
        [PublicHost] = ["SERVE_PUBLIC_HOST", "GLINT_PUBLIC_HOST"],
        [PublicPort] = ["SERVE_PUBLIC_PORT", "GLINT_PUBLIC_PORT"],
        [AdminHost] = ["SERVE_ADMIN_HOST", "GLINT_ADMIN_HOST"],
        [AdminPort] = ["SERVE_ADMIN_PORT", "GLINT_ADMIN_PORT"],
        [Issuer] = ["URLS_SELF_ISSUER", "GLINT_ISSUER"],
        [SystemSecret] = ["SECRETS_SYSTEM", "GLINT_SECRETS_SYSTEM"],
        [Dev] = ["GLINT_DEV"],
        [AccessTokenTtl] = ["TTL_ACCESS_TOKEN", "GLINT_TTL_ACCESS_TOKEN"],
        [RefreshTokenTtl] = ["TTL_REFRESH_TOKEN", "GLINT_TTL_REFRESH_TOKEN"],
        [IdTokenTtl] = ["TTL_ID_TOKEN", "GLINT_TTL_ID_TOKEN"],
        [AuthCodeTtl] = ["TTL_AUTH_CODE", "GLINT_TTL_AUTH_CODE"],
        [AccessTokenStrategy] = ["STRATEGIES_ACCESS_TOKEN", "GLINT_STRATEGIES_ACCESS_TOKEN"],
        [LoginUrl] = ["URLS_LOGIN", "GLINT_URLS_LOGIN"],
        [ConsentUrl] = ["URLS_CONSENT", "GLINT_URLS_CONSENT"],
        [LogoutUrl] = ["URLS_LOGOUT", "GLINT_URLS_LOGOUT"],
        [DeviceVerificationUrl] = ["URLS_DEVICE_VERIFICATION", "GLINT_URLS_DEVICE_VERIFICATION"],
        [DeviceSuccessUrl] = ["URLS_DEVICE_SUCCESS", "GLINT_URLS_DEVICE_SUCCESS"],
        [FlowTtl] = ["TTL_LOGIN_CONSENT_REQUEST", "GLINT_TTL_LOGIN_CONSENT_REQUEST"],
        [PkceEnforced] = ["OAUTH2_PKCE_ENFORCED", "GLINT_OAUTH2_PKCE_ENFORCED"],
        [RefreshReuseLeeway] = ["OAUTH2_GRANT_REFRESH_TOKEN_ROTATION_GRACE_PERIOD", "GLINT_OAUTH2_GRANT_REFRESH_TOKEN_ROTATION_GRACE_PERIOD"],
        [PushedAuthorizationRequestsEnforced] = ["OAUTH2_PUSHED_AUTHORIZATION_REQUESTS_ENFORCED", "GLINT_OAUTH2_PUSHED_AUTHORIZATION_REQUESTS_ENFORCED"],
        [PushedAuthorizationRequestTtl] = ["GLINT_TTL_PUSHED_AUTHORIZATION_REQUEST"],
        [DpopRequireNonce] = ["GLINT_OAUTH2_DPOP_REQUIRE_NONCE"],
        [BtcUsdPrice] = ["GLINT_PRICE_BTC_USD"],
        [PriceSource] = ["GLINT_PRICES_SOURCE"],
        [PriceFeedUrl] = ["GLINT_PRICES_FEED_URL"],
        [PriceFeedJsonPath] = ["GLINT_PRICES_FEED_JSON_PATH"],
        [PriceFeedInterval] = ["GLINT_PRICES_FEED_INTERVAL"],
        [CallbackDeliveryRetention] = ["GLINT_WEBHOOKS_DELIVERY_RETENTION"],
        [LoginRememberFor] = ["GLINT_LOGIN_REMEMBER_FOR"],
        [ConsentRememberFor] = ["GLINT_CONSENT_REMEMBER_FOR"],
        [LoginCodeTtl] = ["GLINT_LOGIN_CODE_TTL"],
        [LoginCodesPerEmail] = ["GLINT_LOGIN_LIMITS_CODES_PER_EMAIL"],
        [LoginCodesPerIp] = ["GLINT_LOGIN_LIMITS_CODES_PER_IP"],
        [LoginFailuresPerEmail] = ["GLINT_LOGIN_LIMITS_FAILURES_PER_EMAIL"],
        [LoginFailuresPerIp] = ["GLINT_LOGIN_LIMITS_FAILURES_PER_IP"],
        [LoginFailuresPerCode] = ["GLINT_LOGIN_LIMITS_FAILURES_PER_CODE"],
        [DeveloperScopes] = ["GLINT_DEVELOPERS_SCOPES"],
        [DeveloperMaxApps] = ["GLINT_DEVELOPERS_LIMITS_APPS"],
        [DeveloperRegistrationsPerDay] = ["GLINT_DEVELOPERS_LIMITS_REGISTRATIONS_PER_DAY"],
        [DynamicRegistrationEnabled] = ["OIDC_DYNAMIC_CLIENT_REGISTRATION_ENABLED", "GLINT_OIDC_DYNAMIC_CLIENT_REGISTRATION_ENABLED"],
        [DynamicRegistrationDefaultScope] = ["OIDC_DYNAMIC_CLIENT_REGISTRATION_DEFAULT_SCOPE", "GLINT_OIDC_DYNAMIC_CLIENT_REGISTRATION_DEFAULT_SCOPE"],
        [DynamicRegistrationAutoApprove] = ["GLINT_OIDC_DYNAMIC_CLIENT_REGISTRATION_AUTO_APPROVE"],
        [DynamicRegistrationsPerIp] = ["GLINT_OIDC_DYNAMIC_CLIENT_REGISTRATION_REGISTRATIONS_PER_IP"],
        [SmtpUri] = ["COURIER_SMTP_CONNECTION_URI", "GLINT_SMTP_URI"],
        [MailFrom] = ["COURIER_SMTP_FROM_ADDRESS", "GLINT_SMTP_FROM"],
        [SmsUrl] = ["GLINT_SMS_URL"],
        [SmsAccountSid] = ["GLINT_SMS_ACCOUNT_SID"],
        [SmsAuthToken] = ["GLINT_SMS_AUTH_TOKEN"],
        [SmsFrom] = ["GLINT_SMS_FROM"],
        [SmsMessagingServiceSid] = ["GLINT_SMS_MESSAGING_SERVICE_SID"],
        [LightningNetwork] = ["GLINT_LIGHTNING_NETWORK"],
        [TrustedProxies] = ["GLINT_TRUSTED_PROXIES"],
        [FormBodyLimit] = ["GLINT_REQUEST_LIMITS_FORM_BODY"],
        [AdminBodyLimit] = ["GLINT_REQUEST_LIMITS_ADMIN_BODY"],
        [GraphQLBodyLimit] = ["GLINT_API_LIMITS_BODY_BYTES"],
        [GraphQLWebSocketMessageLimit] = ["GLINT_API_LIMITS_WEBSOCKET_MESSAGE_BYTES"],
        [RevocationBound] = ["GLINT_API_REVOCATION_BOUND"],
        [LogFormat] = ["LOG_FORMAT", "GLINT_LOG_FORMAT"],
        [LogLevel] = ["LOG_LEVEL", "GLINT_LOG_LEVEL"],
        [JanitorInterval] = ["GLINT_JANITOR_INTERVAL"],
        [WebhooksAllowHttp] = ["GLINT_WEBHOOKS_ALLOW_HTTP"],
        [WebhooksAllowPrivateTargets] = ["GLINT_WEBHOOKS_ALLOW_PRIVATE_TARGETS"],
        [WebhooksRetryDelays] = ["GLINT_WEBHOOKS_RETRY_DELAYS"],
        [LightningAddressDomain] = ["GLINT_LIGHTNING_ADDRESS_DOMAIN"],
        [LightningAddressDomainAliases] = ["GLINT_LIGHTNING_ADDRESS_DOMAIN_ALIASES"],
        [TracingProvider] = ["TRACING_PROVIDER", "GLINT_TRACING_PROVIDER"],
        [TracingServiceName] = ["TRACING_SERVICE_NAME", "GLINT_TRACING_SERVICE_NAME"],
        [TracingOtlpServerUrl] = ["TRACING_PROVIDERS_OTLP_SERVER_URL", "GLINT_TRACING_PROVIDERS_OTLP_SERVER_URL"],
        [TracingOtlpInsecure] = ["TRACING_PROVIDERS_OTLP_INSECURE", "GLINT_TRACING_PROVIDERS_OTLP_INSECURE"],
        [TracingSamplingRatio] = ["TRACING_PROVIDERS_OTLP_SAMPLING_SAMPLING_RATIO", "GLINT_TRACING_PROVIDERS_OTLP_SAMPLING_SAMPLING_RATIO"],
        [OtelExporterEndpoint] = ["OTEL_EXPORTER_OTLP_ENDPOINT"],
        [AuditRetention] = ["GLINT_AUDIT_RETENTION"],
    };
}
