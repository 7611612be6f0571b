using System.Text.Json;

namespace Baocao.LocalHost;

/// <summary>
/// Reads the <c>Values</c> of local.settings.json the way Core Tools does, so the local host sees the settings
/// <c>func start</c> would pass. The sample supplies every key; a developer's local.settings.json overrides it.
/// </summary>
public static class LocalSettings
{
    public const string SampleFile = "local.settings.sample.json";
    public const string LocalFile = "local.settings.json";

    public static void AddLocalSettingsFiles(this IConfigurationManager configuration, string contentRoot)
    {
        var folder = FindFolderWith(contentRoot, SampleFile);
        if (folder is null) return;
        var values = ReadValues(Path.Combine(folder, SampleFile));
        var localPath = Path.Combine(folder, LocalFile);
        if (File.Exists(localPath))
        {
            foreach (var (key, value) in ReadValues(localPath)) values[key] = value;
        }
        // Insert below environment variables and command line so those still win.
        configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = values! });
    }

    public static Dictionary<string, string> ReadValues(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!document.RootElement.TryGetProperty("Values", out var section)) return values;
        foreach (var property in section.EnumerateObject())
        {
            values[property.Name.Replace("__", ":", StringComparison.Ordinal)] = property.Value.ToString();
        }
        return values;
    }

    /// <summary>The nearest folder at or above <paramref name="start"/> that holds <paramref name="fileName"/>.</summary>
    public static string? FindFolderWith(string start, string fileName)
    {
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, fileName))) return folder.FullName;
        }
        return null;
    }
}
