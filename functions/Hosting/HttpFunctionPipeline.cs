using Microsoft.AspNetCore.Builder;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace Baocao.Hosting;

/// <summary>
/// Everything the app does around an HTTP function, in one ASP.NET Core pipeline that both hosts run: under the
/// Functions host <see cref="HttpFunctionsWorkerMiddleware"/> runs it around the worker's invocation; under the local
/// host its invoker does. At its end the function's caller checks (<see cref="IEndpointFilter"/> attributes on the
/// function and its class) run, then its JSON body is read (<see cref="JsonBodyBinding"/>), then the function, then its result.
/// </summary>
public sealed class HttpFunctionPipeline
{
    private readonly RequestDelegate _pipeline;

    public HttpFunctionPipeline(IServiceProvider services, Action<IApplicationBuilder> configure)
    {
        var app = new ApplicationBuilder(services);
        configure(app);
        app.Run(RunFunctionAsync);
        _pipeline = app.Build();
    }

    /// <summary>Runs the pipeline for <paramref name="endpoint"/>; <paramref name="invoke"/> runs the function and gives its result.</summary>
    public Task RunAsync(HttpContext http, Endpoint endpoint, Func<Task<object?>> invoke)
    {
        http.SetEndpoint(endpoint);
        http.Features.Set(new Invocation(invoke));
        return _pipeline(http);
    }

    private sealed record Invocation(Func<Task<object?>> Invoke);

    private static async Task RunFunctionAsync(HttpContext http)
    {
        var invocation = http.Features.Get<Invocation>() ?? throw new InvalidOperationException("No function to invoke.");
        var filters = http.GetEndpoint()?.Metadata.GetOrderedMetadata<IEndpointFilter>() ?? [];
        // The body is read after the caller checks, so nobody unchecked has it parsed, and a body that cannot be read is
        // answered here without running the function.
        EndpointFilterDelegate call = async _ => await JsonBodyBinding.BindAsync(http) ?? await invocation.Invoke();
        for (var i = filters.Count - 1; i >= 0; i--)
        {
            var (filter, next) = (filters[i], call);
            call = context => filter.InvokeAsync(context, next);
        }
        switch (await call(new DefaultEndpointFilterInvocationContext(http)))
        {
            case IResult result:
                await result.ExecuteAsync(http);
                break;
            case null:
                break;
            case var value:
                throw new InvalidOperationException($"An HTTP function returned {value.GetType().Name}, not an IResult.");
        }
    }
}

/// <summary>
/// Under the Functions host, runs <see cref="HttpFunctionPipeline"/> around each HTTP invocation. The worker's own
/// ASP.NET Core integration has matched the route and handed over the request; this gives the request the function's
/// endpoint (for its metadata), runs the pipeline, and leaves an empty result, since the pipeline wrote the answer.
/// </summary>
public sealed class HttpFunctionsWorkerMiddleware(FunctionCatalog catalog, HttpFunctionPipeline pipeline) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is not { } http)
        {
            await next(context);
            return;
        }
        try
        {
            await pipeline.RunAsync(http, catalog.EndpointOf(context.FunctionDefinition.Name), async () =>
            {
                await next(context);
                return context.GetInvocationResult().Value;
            });
        }
        finally
        {
            context.GetInvocationResult().Value = Results.Empty;
        }
    }
}
