namespace Baocao.Hosting;

/// <summary>
/// host.json beside the app, read as the Functions host reads it: a value at <c>path:to:value</c>, unless an app setting
/// <c>AzureFunctionsJobHost__path__to__value</c> overrides it.
/// </summary>
public static class HostJsonFile
{
    public const string OverridePrefix = "AzureFunctionsJobHost";

    /// <summary>The value at <c>path:to:value</c> of the host.json in <paramref name="folder"/>, overridden by <paramref name="settings"/>.</summary>
    public static Func<string, string?> Reader(string folder, IConfiguration? settings = null)
    {
        var file = new ConfigurationBuilder().SetBasePath(folder).AddJsonFile("host.json", optional: true).Build();
        return path => settings?[$"{OverridePrefix}:{path}"] ?? file[path];
    }
}
