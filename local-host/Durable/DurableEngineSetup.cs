using System.Reflection;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Baocao.Hosting;

namespace Baocao.LocalHost.Durable;

/// <summary>How a host adds the local durable engine.</summary>
internal static class DurableEngineSetup
{
    /// <summary>
    /// The local durable engine for the functions of the registered <see cref="FunctionCatalog"/>, started with the
    /// host; it stays idle when the app has no durable function.
    /// </summary>
    internal static IServiceCollection AddLocalDurableEngine(this IServiceCollection services)
    {
        services.TryAddSingleton<FunctionInvoker>();
        services.TryAddSingleton(provider => HostJson.Read(provider.GetRequiredService<IConfiguration>()));
        return services.AddSingleton<DurableFunctions>().AddSingleton<LocalDurableEngine>()
            .AddHostedService(provider => provider.GetRequiredService<LocalDurableEngine>());
    }

    /// <summary>
    /// A host running nothing but the durable engine, over the functions of <paramref name="functions"/> and the storage
    /// account <paramref name="storage"/>, with host.json's <c>extensions.durableTask</c> values overridden by
    /// <paramref name="durableTask"/> (paths below that section) and, if given, a policy in its storage clients. Returned
    /// once its client is ready: what the engine's own tests and the harness run.
    /// </summary>
    internal static async Task<IHost> StartEngineHostAsync(Assembly functions, string storage, IReadOnlyDictionary<string, string> durableTask,
        HttpPipelinePolicy? storagePolicy, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(durableTask
            .Select(o => KeyValuePair.Create<string, string?>($"{HostJsonFile.OverridePrefix}:extensions:durableTask:{o.Key}", o.Value))
            .Append(KeyValuePair.Create<string, string?>("AzureWebJobsStorage", storage)));
        builder.Services.AddSingleton(FunctionCatalog.Of(functions));
        if (storagePolicy is not null) builder.Services.AddSingleton(storagePolicy);
        builder.Services.AddLocalDurableEngine();
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        await host.Services.GetRequiredService<LocalDurableEngine>().ClientAsync(cancellationToken);
        return host;
    }

    /// <summary>
    /// The application id the engine's storage requests carry at the head of their User-Agent, telling them apart
    /// from the app's own in storage logs and in a pipeline policy.
    /// </summary>
    public const string StorageApplicationId = "baocao-durable-engine";

    /// <summary>
    /// The engine's storage clients carry the pipeline policies registered as <see cref="HttpPipelinePolicy"/> services,
    /// as the app's own clients do: where telemetry sees requests, and where tests count them or stop them.
    /// </summary>
    internal static T WithPolicies<T>(this T options, IEnumerable<HttpPipelinePolicy> policies) where T : ClientOptions
    {
        options.Diagnostics.ApplicationId = StorageApplicationId;
        foreach (var policy in policies) options.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        return options;
    }
}
