using System.Globalization;
using Baocao.Hosting;

namespace Baocao.LocalHost;

/// <summary>The queue trigger's settings of host.json (<c>extensions.queues</c>), with the host's defaults.</summary>
internal sealed record QueueSettings(int BatchSize, int MaxDequeueCount, TimeSpan VisibilityTimeout,
    TimeSpan MaxPollingInterval, bool Base64)
{
    public static readonly QueueSettings Defaults = new(16, 5, TimeSpan.Zero, TimeSpan.FromMinutes(1), Base64: true);
}

/// <summary>What the local host reads of host.json, the same file the Functions host reads beside the app.</summary>
internal sealed record HostJson(QueueSettings Queues, LocalHost.Durable.DurableSettings Durable)
{
    /// <summary>host.json beside the app, each value overridden by an app setting <c>AzureFunctionsJobHost__path__to__value</c>.</summary>
    public static HostJson Read(IConfiguration settings)
    {
        var hostJson = HostJsonFile.Reader(AppContext.BaseDirectory, settings);
        var queues = new HostJsonSection(hostJson, "extensions:queues");
        var d = QueueSettings.Defaults;
        return new HostJson(new QueueSettings(queues.Int("batchSize", d.BatchSize), queues.Int("maxDequeueCount", d.MaxDequeueCount),
            queues.Time("visibilityTimeout", d.VisibilityTimeout), queues.Time("maxPollingInterval", d.MaxPollingInterval),
            Base64: !string.Equals(queues.Value("messageEncoding"), "none", StringComparison.OrdinalIgnoreCase)),
            LocalHost.Durable.DurableSettings.Read(new HostJsonSection(hostJson, "extensions:durableTask")));
    }
}

/// <summary>The values of one section of host.json, typed as the host parses them, with a fallback where absent.</summary>
internal sealed class HostJsonSection(Func<string, string?> hostJson, string section)
{
    public string? Value(string path) => hostJson($"{section}:{path}");

    public int Int(string path, int fallback) => Value(path) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public bool Bool(string path, bool fallback) => Value(path) is { } v ? bool.Parse(v) : fallback;

    public TimeSpan Time(string path, TimeSpan fallback) => Value(path) is { } v ? TimeSpan.Parse(v, CultureInfo.InvariantCulture) : fallback;
}

/// <summary>What the host's settings say of one function.</summary>
public static class FunctionSettings
{
    /// <summary><c>AzureWebJobs.{name}.Disabled</c>: the host's own switch that keeps a function from being triggered.</summary>
    public static string DisabledSetting(string function) => $"AzureWebJobs.{function}.Disabled";

    internal static bool IsDisabled(this IConfiguration configuration, FunctionDescriptor function) =>
        configuration.GetValue<bool>(DisabledSetting(function.Name));

    /// <summary>A binding expression <c>%Setting%</c> is the value of that app setting, as the host resolves it.</summary>
    internal static string Resolve(this IConfiguration configuration, string expression) =>
        expression is ['%', .. var name, '%']
            ? configuration[name.Replace("__", ":", StringComparison.Ordinal)] ?? throw new InvalidOperationException($"The app setting {name} is not set.")
            : expression;
}
