using Baocao.Hosting;
using Baocao.Tests.Infrastructure;
using Microsoft.Azure.Functions.Worker.Core.FunctionMetadata;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Hosting;

/// <summary>
/// The worker the Functions host starts in Azure is composed the same way the local host composes the app: it knows the
/// same functions (reading the functions.metadata the Worker SDK wrote, as it does in Azure), can make every function class from its own services, and
/// has the middleware that runs the app's pipeline around each HTTP invocation. No host is started.
/// </summary>
public sealed class WorkerCompositionTests
{
    [Fact]
    public async Task The_worker_knows_every_function_and_can_make_every_function_class()
    {
        // As in Azure, the host hands the worker the app settings; here the sample's, on the command line.
        var settings = Baocao.LocalHost.LocalSettings.ReadValues(Path.Combine(Repository.Root, Baocao.LocalHost.LocalSettings.SampleFile));
        using var worker = BaocaoApp.BuildWorker([.. settings.SelectMany(s => new[] { "--" + s.Key, s.Value })]);
        var catalog = worker.Services.GetRequiredService<FunctionCatalog>();
        var generated = await worker.Services.GetRequiredService<IFunctionMetadataProvider>().GetFunctionMetadataAsync(Path.Combine(Repository.Root, "functions", "bin", "Debug", "net10.0"));
        Assert.Equal(catalog.Functions.Select(f => f.Name).Order(), generated.Select(f => f.Name!).Order());

        using var scope = worker.Services.CreateScope();
        foreach (var type in catalog.Functions.Select(f => f.Method.DeclaringType!).Distinct())
        {
            Assert.NotNull(ActivatorUtilities.CreateInstance(scope.ServiceProvider, type));
        }
        Assert.NotNull(worker.Services.GetRequiredService<HttpFunctionsWorkerMiddleware>());
        Assert.NotNull(worker.Services.GetRequiredService<HttpFunctionPipeline>());
    }
}
