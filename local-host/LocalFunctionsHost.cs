using Baocao.Hosting;
using Baocao.LocalHost.Durable;

namespace Baocao.LocalHost;

/// <summary>
/// Runs the app's functions here as the Functions host runs them in Azure: the same function classes, in process,
/// behind the same <see cref="HttpFunctionPipeline"/>, with the settings of local.settings.json and host.json.
/// README's "Local host" section lists where it differs from the real host.
/// </summary>
public sealed class LocalFunctionsHost
{
    /// <summary>The port <c>func start</c> uses, so addresses look the same.</summary>
    public const int DefaultPort = 7071;

    public static void Main(string[] args) => Build(args).Run();

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddLocalSettingsFiles(builder.Environment.ContentRootPath);
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey])) builder.WebHost.UseUrls($"http://localhost:{DefaultPort}");
        // As the worker's appsettings.json and host.json's default level: the Azure SDK's request lines (a 409 for a
        // container that exists is its "warning"), ASP.NET Core's endpoint and result lines and data protection's key
        // notes are for diagnosing, not for reading while the app runs; so are the durable engine's polling, lease and
        // episode lines (in Azure the host's, at host.json's default level, Warning). The app's own lines, outages included, stay.
        builder.Logging.AddFilter("Azure", LogLevel.Error).AddFilter("Microsoft.AspNetCore", LogLevel.Warning).AddFilter("DurableTask", LogLevel.Warning)
            .AddFilter("Microsoft.DurableTask", LogLevel.Warning);
        builder.AddBaocao();
        builder.Services.AddSingleton<FunctionInvoker>();
        builder.Services.AddSingleton(provider => HostJson.Read(provider.GetRequiredService<IConfiguration>()));
        builder.Services.AddHostedService<TimerTriggers>();
        builder.Services.AddHostedService<QueueTriggers>();
        builder.Services.AddLocalDurableEngine();

        var app = builder.Build();
        // Outside any function (no route matched, a method no function takes): the app's own Problem Details.
        app.UseStatusCodePages(status => HostingExtensions.StatusProblem(status.HttpContext).ExecuteAsync(status.HttpContext));
        ((IEndpointRouteBuilder)app).DataSources.Add(new HttpFunctionRoutes(app.Services));
        return app;
    }
}
