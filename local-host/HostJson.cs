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
internal sealed record HostJson(QueueSettings Queues)
{
    /// <summary>host.json beside the app, each value overridden by an app setting <c>AzureFunctionsJobHost__path__to__value</c>.</summary>
    public static HostJson Read(IConfiguration settings)
    {
        var hostJson = HostJsonFile.Reader(AppContext.BaseDirectory, settings);
        string? Value(string name) => hostJson($"extensions:queues:{name}");
        int Int(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        TimeSpan Time(string name, TimeSpan fallback) => Value(name) is { } v ? TimeSpan.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var d = QueueSettings.Defaults;
        return new HostJson(new QueueSettings(Int("batchSize", d.BatchSize), Int("maxDequeueCount", d.MaxDequeueCount),
            Time("visibilityTimeout", d.VisibilityTimeout), Time("maxPollingInterval", d.MaxPollingInterval),
            Base64: !string.Equals(Value("messageEncoding"), "none", StringComparison.OrdinalIgnoreCase)));
    }
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
