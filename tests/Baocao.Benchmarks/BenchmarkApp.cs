using System.Net.Http.Headers;
using Azure.Core;
using Baocao.Access;
using Baocao.Catalog;
using Baocao.Hosting;
using Baocao.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Baocao.Benchmarks;

/// <summary>
/// Azurite and the real app on Kestrel (real sockets), seeded with the demo province plus as many districts as a
/// scenario needs, each with its own key. Storage requests of the app are counted; the baselines use their own
/// clients, which are not.
/// </summary>
public sealed class BenchmarkApp : IAsyncDisposable
{
    public const string AdminKey = "benchmark-admin-key-0123456789";

    private int _districts;

    private BenchmarkApp(LocalAzurite azurite, WebApplicationFactory<Baocao.LocalHost.LocalFunctionsHost> factory, StorageRequestCounter requests, Uri baseAddress)
    {
        Azurite = azurite;
        Factory = factory;
        Requests = requests;
        BaseAddress = baseAddress;
    }

    public LocalAzurite Azurite { get; }
    public WebApplicationFactory<Baocao.LocalHost.LocalFunctionsHost> Factory { get; }
    public StorageRequestCounter Requests { get; }
    public Uri BaseAddress { get; }

    public T Service<T>() where T : notnull => Factory.Services.GetRequiredService<T>();

    public static async Task<BenchmarkApp> StartAsync(string root, CancellationToken ct)
    {
        var (blob, queue, table) = (LocalAzurite.FreePort(), LocalAzurite.FreePort(), LocalAzurite.FreePort());
        var azurite = await LocalAzurite.StartAsync(root, blob, queue, table, location: null, ct);
        var requests = new StorageRequestCounter(blob, queue, table);
        var factory = new ServedApp().WithWebHostBuilder(web =>
        {
            web.UseContentRoot(Path.Combine(root, "functions"));
            web.UseEnvironment("Testing");
            web.UseSetting("AzureWebJobsStorage", azurite.ConnectionString);
            web.UseSetting("Baocao:AdminKey", AdminKey);
            web.UseSetting("Baocao:SeedDemoData", "true");
            web.UseSetting("Baocao:StartLocalAzurite", "false");
            // A free port, not the local 7071: the large-upload scenario starts apps of its own beside the shared one.
            web.UseSetting("urls", "http://127.0.0.1:0");
            web.UseSetting(Baocao.LocalHost.FunctionSettings.DisabledSetting("TimerSweep"), "true");
            web.UseSetting(Baocao.LocalHost.FunctionSettings.DisabledSetting("OutboxDispatch"), "true");
            // The harness plays a thousand districts from one address.
            web.UseSetting("RateLimits:PerAddressPerMinute", "1000000");
            web.UseSetting("Logging:LogLevel:Default", "Warning");
            web.ConfigureServices(services => services.AddAzureClients(clients =>
                clients.ConfigureDefaults(options => options.AddPolicy(requests, HttpPipelinePosition.PerRetry))));
        });
        try
        {
            factory.UseKestrel(0);
            factory.StartServer();
            await factory.Services.GetRequiredService<StorageReadiness>().Ready.WaitAsync(TimeSpan.FromSeconds(60), ct);
            var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new BenchmarkApp(azurite, factory, requests, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)));
        }
        catch
        {
            // An app that does not start must not leave its Azurite running (and holding memory) after the harness exits.
            await factory.DisposeAsync();
            await azurite.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client like a district's system: its own connections, no redirects, generous timeouts.</summary>
    public HttpClient Client(string? key = null, int connections = 256)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, AllowAutoRedirect = false })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromMinutes(10),
        };
        client.DefaultRequestHeaders.Add("X-Api-Key", key ?? AdminKey);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    /// <summary>
    /// Adds <paramref name="count"/> districts under the demo root (so the open demo period fans out to them) and
    /// issues each a key. Returns (unit code, key) pairs.
    /// </summary>
    public async Task<IReadOnlyList<(string Unit, string Key)>> AddDistrictsAsync(int count, CancellationToken ct)
    {
        var catalog = Service<CatalogService>();
        var first = Interlocked.Add(ref _districts, count) - count + 1;
        var units = Enumerable.Range(first, count).Select(i => new OrgUnit($"BENCH-{i:D5}", $"Ban Dân vận xã thử nghiệm {i}", "HUYEN", "BDV-TU")).ToList();
        for (var i = 0; i < units.Count; i += 500)
        {
            var saved = await catalog.SaveUnitsAsync(units.Skip(i).Take(500).ToList(), createOnly: false, n => $"/{n}", null, workflow: null, ct);
            if (saved.Problem is { } problem) throw new InvalidOperationException(problem.ProblemDetails.Detail);
        }
        var keys = Service<UnitKeys>();
        var issued = new (string, string)[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (i, token) =>
        {
            var key = await keys.IssueAsync(units[i].Code, token);
            issued[i] = (units[i].Code, key.Value!.Key);
        });
        return issued;
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Azurite.DisposeAsync();
    }

    /// <summary>
    /// The app on Kestrel with the services the Functions host gives it. WebApplicationFactory registers Kestrel after
    /// the app's own services, and with it Kestrel's memory pool of 4 KiB blocks; the app's receive buffers are registered
    /// again after that, as <see cref="Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder()"/> leaves them.
    /// </summary>
    private sealed class ServedApp : WebApplicationFactory<Baocao.LocalHost.LocalFunctionsHost>
    {
        protected override IHost CreateHost(IHostBuilder builder)
        {
            builder.ConfigureServices((_, services) => services.AddLargeReceiveBuffers());
            return base.CreateHost(builder);
        }
    }
}
