using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Glint.Login.Web;

/// <summary>
/// A request that none of a page's handlers answers (a POST to a page that only shows, a PUT, an unknown
/// <c>handler</c>) is refused: 405 with the methods the page takes, or 404 for a handler name it does not have.
/// Razor Pages would otherwise render the page without running any handler, with none of the state its handlers
/// load. A GET without a handler still renders, as a page with no <c>OnGet</c> is meant to.
/// </summary>
public sealed class UnhandledMethodFilter : IPageFilter
{
    public void OnPageHandlerSelected(PageHandlerSelectedContext context)
    {
    }

    public void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var method = context.HttpContext.Request.Method;
        if (context.HandlerMethod is not null || HttpMethods.IsGet(method) || HttpMethods.IsHead(method))
        {
            return;
        }

        var methods = context.ActionDescriptor.HandlerMethods
            .Select(handler => handler.HttpMethod.ToUpperInvariant())
            .Append("GET")
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (methods.Contains(method.ToUpperInvariant(), StringComparer.Ordinal))
        {
            context.Result = new NotFoundResult();
            return;
        }

        if (methods.Contains("GET", StringComparer.Ordinal))
        {
            methods.Add("HEAD");
        }

        context.HttpContext.Response.Headers.Allow = string.Join(", ", methods);
        context.Result = new StatusCodeResult(StatusCodes.Status405MethodNotAllowed);
    }

    public void OnPageHandlerExecuted(PageHandlerExecutedContext context)
    {
    }
}
