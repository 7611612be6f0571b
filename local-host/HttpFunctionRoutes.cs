using Baocao.Hosting;

namespace Baocao.LocalHost;

/// <summary>
/// The routes of the HTTP functions, as the host matches them (<c>{routePrefix}/{route}</c>, with their methods): each
/// runs the app's pipeline around an in-process invocation of its function.
/// </summary>
internal sealed class HttpFunctionRoutes : EndpointDataSource
{
    public HttpFunctionRoutes(IServiceProvider services)
    {
        var catalog = services.GetRequiredService<FunctionCatalog>();
        var pipeline = services.GetRequiredService<HttpFunctionPipeline>();
        var invoker = services.GetRequiredService<FunctionInvoker>();
        Endpoints = catalog.Functions.Where(f => f.Trigger is HttpFunctionTrigger).Select(function =>
        {
            var described = catalog.EndpointOf(function.Name);
            Task Run(HttpContext http) => pipeline.RunAsync(http, described, () => invoker.InvokeHttpAsync(function, http));
            return (Endpoint)new RouteEndpoint(Run, described.RoutePattern, described.Order, described.Metadata, described.DisplayName);
        }).ToList();
    }

    public override IReadOnlyList<Endpoint> Endpoints { get; }

    public override Microsoft.Extensions.Primitives.IChangeToken GetChangeToken() => Microsoft.Extensions.FileProviders.NullChangeToken.Singleton;
}
