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
    /// The engine's storage clients carry the pipeline policies registered as <see cref="HttpPipelinePolicy"/> services,
    /// as the app's own clients do: where telemetry sees requests, and where tests count them or stop them.
    /// </summary>
    internal static T WithPolicies<T>(this T options, IEnumerable<HttpPipelinePolicy> policies) where T : ClientOptions
    {
        foreach (var policy in policies) options.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        return options;
    }
}
