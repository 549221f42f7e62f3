using Glint.Auth.Audit;
using Glint.Data;
using Glint.Data.Secrets;
using Glint.Login.Challenges;
using Glint.Login.Codes;
using Glint.Login.Developers;
using Glint.Login.Email;
using Glint.Login.Phones;
using Glint.Login.Sessions;
using Glint.Login.Totp;
using Glint.Login.Web;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Login;

public static class LoginServiceCollectionExtensions
{
    /// <summary>The built-in login, consent, logout and account pages (Razor Pages on the public port).</summary>
    public static IServiceCollection AddGlintLogin(this IServiceCollection services, LoginOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddSingleton(provider => new KeySealer(provider.GetRequiredService<SystemSecret>()));
        services.AddHttpClient<ChallengeClient>(client => client.BaseAddress = new Uri(options.AdminApi, "admin/"));
        services.AddScoped<LoginRateLimits>();
        services.AddScoped<EmailLogin>();
        services.AddGlintAudit();
        services.AddScoped<PhoneRegistration>();
        services.AddSingleton<TotpAuthenticator>();
        services.AddScoped<AccountTotpCheck>();
        services.AddSingleton<TotpEnrolments>();
        if (options.SmtpUri is null)
        {
            services.AddScoped<IEmailSender, DevOutbox>();
        }
        else
        {
            services.AddSingleton<IEmailSender, SmtpEmailSender>();
        }

        AddSmsSender(services, options);
        services.AddScoped<Callbacks.Delivery.IEndpointDisabledNotice, EndpointDisabledEmail>();
        services.AddScoped<Developers.AppClients>();
        services.AddScoped<Developers.AppMail>();
        services.AddScoped<Developers.AppReview>();
        services.AddScoped<Developers.DeveloperApps>();
        services.AddScoped<Developers.DynamicRegistrations>();
        services.AddSingleton<Developers.RegistrationLimiter>();
        if (options.Developers.DynamicRegistration.Enabled)
        {
            services.AddOpenIddict().AddServer(server => server.AddEventHandler(Developers.RegistrationDiscovery.Descriptor));
        }

        // Cookies and form tokens must verify on every node: the key ring lives in the database, sealed.
        services.AddDataProtection().SetApplicationName("glint").PersistKeysToDbContext<GlintDbContext>();
        services.AddOptions<KeyManagementOptions>().Configure<KeySealer>((keys, sealer) => keys.XmlEncryptor = new SealedKeyRingEncryptor(sealer));
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "glint_csrf";
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = options.SecureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            antiforgery.FormFieldName = "csrf";
            antiforgery.SuppressXFrameOptionsHeader = true;
        });
        services.AddAuthentication().AddCookie(AccountCookie.Scheme, cookie => AccountCookie.Configure(cookie, options.SecureCookies));
        // The pages come from this assembly alone, whichever executable hosts them (glint, or a test host).
        services.AddRazorPages()
            .ConfigureApplicationPartManager(parts =>
            {
                var assembly = typeof(LoginOptions).Assembly;
                parts.ApplicationParts.Clear();
                foreach (var part in ApplicationPartFactory.GetApplicationPartFactory(assembly).GetApplicationParts(assembly))
                {
                    parts.ApplicationParts.Add(part);
                }
            })
            .AddMvcOptions(mvc =>
            {
                mvc.Filters.Add<PageSecurityFilter>();
                mvc.Filters.Add<UnhandledMethodFilter>();
            });
        return services;
    }

    private static void AddSmsSender(IServiceCollection services, LoginOptions options)
    {
        if (options.Sms is { } sms)
        {
            services.AddSingleton(sms);
            services.AddHttpClient<ISmsSender, HttpSmsSender>(client => client.Timeout = Timeout.InfiniteTimeSpan);
        }
        else if (options.SmtpUri is null)
        {
            services.AddScoped<ISmsSender, DevOutbox>();
        }
        else
        {
            services.AddSingleton<ISmsSender, NoSmsProvider>();
        }
    }

    public static IEndpointRouteBuilder MapGlintLogin(this IEndpointRouteBuilder routes)
    {
        DeferredPageEndpoints.Map(routes);
        routes.MapSessionAuthApi();
        routes.MapStyleSheet();
        routes.MapAppAdminApi();
        routes.MapDynamicRegistrationApi();
        return routes;
    }
}
