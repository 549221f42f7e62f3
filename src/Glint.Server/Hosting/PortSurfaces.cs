namespace Glint.Server.Hosting;

/// <summary>
/// Keeps the public and admin APIs on their own ports, as Hydra does. On the admin port every path is served under
/// <c>/admin</c> (so Hydra's legacy unprefixed paths such as <c>/clients</c> keep working); on the public port nothing
/// under <c>/admin</c> exists. A trailing slash is ignored on both, and GET (and HEAD) responses are never cached.
/// </summary>
public sealed class PortSurfaces(RequestDelegate next, int adminPort)
{
    private static readonly PathString Admin = new("/admin");

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.HasValue && path.Value.Length > 1 && path.Value.EndsWith('/'))
        {
            path = new PathString(path.Value.TrimEnd('/'));
            if (!path.HasValue)
            {
                path = new PathString("/");
            }
        }

        var onAdminPort = context.Connection.LocalPort == adminPort;
        if (onAdminPort && !path.StartsWithSegments(Admin))
        {
            path = Admin.Add(path);
        }
        else if (!onAdminPort && path.StartsWithSegments(Admin))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        context.Request.Path = path;
        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.Headers.CacheControl = "private, no-cache, no-store, must-revalidate";
        }

        return next(context);
    }
}
