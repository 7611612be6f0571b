using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Baocao.Hosting;
using Baocao.Storage;
using Baocao.Tests.Infrastructure;

namespace Baocao.Tests.Infra;

/// <summary>
/// infra/ built and linted offline by the Bicep compiler that NuGet restored (Azure.Bicep.CommandLine.linux-x64), failing
/// on any error or linter warning, and checked against the app: every setting it reads, every table, container, queue;
/// and azure.yaml's service, which azd publishes from functions/ and deploys to the site carrying its name as a tag.
/// </summary>
public sealed partial class BicepTests
{
    private static readonly string Infra = Path.Combine(Repository.Root, "infra");

    /// <summary>Settings the Bicep sets differently on purpose, and why.</summary>
    private static readonly Dictionary<string, string> NotAppSettings = new(StringComparer.OrdinalIgnoreCase)
    {
        ["FUNCTIONS_WORKER_RUNTIME"] = "Flex Consumption takes the runtime from functionAppConfig.runtime (dotnet-isolated)",
        ["AzureWebJobsStorage"] = "Azure uses the identity form, AzureWebJobsStorage__accountName",
    };

    /// <summary>Keyed sections: the sample's key ids are local (Review__SigningKeys__local1); Azure has its own (a, b).</summary>
    private static readonly string[] KeyedSections = ["Review__SigningKeys__"];

    /// <summary>The azd service of the function app: azure.yaml's services entry and the site's azd-service-name tag.</summary>
    private const string AzdService = "api";

    [GeneratedRegex(@"\b(Warning|Error)\b [A-Za-z0-9-]+:")]
    private static partial Regex Diagnostic();

    [GeneratedRegex(@"^(?<indent> *)(?<key>[A-Za-z0-9_.-]+):(?:\s+(?<value>[^#]*?))?\s*(?:#.*)?$")]
    private static partial Regex YamlKey();

    private static string Bicep()
    {
        var root = typeof(BicepTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPackageRoot").Value;
        var bicep = Path.Combine(root!, "tools", "bicep");
        Assert.True(File.Exists(bicep), $"The Bicep compiler is not at {bicep}; restore the test project.");
        // Packages unzip without modes on some machines; the compiler must run all the same.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(bicep, File.GetUnixFileMode(bicep) | UnixFileMode.UserExecute);
        return bicep;
    }

    private static async Task<string> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Bicep()) { WorkingDirectory = Infra, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // No telemetry, no update check: the build must not need the network.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        var all = await output + await error;
        Assert.True(process.ExitCode == 0, $"bicep {string.Join(' ', arguments)} failed:\n{all}");
        return all;
    }

    [Theory]
    [InlineData("main.bicep")]
    [InlineData("resources.bicep")]
    public async Task Bicep_lints_without_a_warning(string file)
    {
        var output = await RunAsync("lint", file);
        Assert.False(Diagnostic().IsMatch(output), output);
    }

    private static async Task<JsonNode> BuildAsync()
    {
        var folder = Directory.CreateTempSubdirectory("baocao-bicep-").FullName;
        try
        {
            var output = await RunAsync("build", "main.bicep", "--outdir", folder);
            Assert.False(Diagnostic().IsMatch(output), output);
            return JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "main.json"), TestContext.Current.CancellationToken))!;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Every resource of <paramref name="type"/> anywhere in the template, nested module templates included.</summary>
    private static IEnumerable<JsonObject> Resources(JsonNode? node, string type) => node switch
    {
        JsonObject o when o["type"] is JsonValue t && t.TryGetValue<string>(out var s) && string.Equals(s, type, StringComparison.OrdinalIgnoreCase)
            => [o, .. o.SelectMany(p => Resources(p.Value, type))],
        JsonObject o => o.SelectMany(p => Resources(p.Value, type)),
        JsonArray a => a.SelectMany(n => Resources(n, type)),
        _ => [],
    };

    [Fact]
    public async Task The_function_app_gets_every_setting_the_app_reads_with_secrets_from_key_vault()
    {
        var template = await BuildAsync();
        var settings = Resources(template, "Microsoft.Web/sites/config").Select(r => r["properties"]).OfType<JsonObject>()
            .SelectMany(p => p).ToDictionary(p => p.Key, p => p.Value?.ToJsonString() ?? "", StringComparer.OrdinalIgnoreCase);
        var sample = Baocao.LocalHost.LocalSettings.ReadValues(Path.Combine(Repository.Root, Baocao.LocalHost.LocalSettings.SampleFile));
        foreach (var key in sample.Keys.Select(k => k.Replace(":", "__", StringComparison.Ordinal)).Where(k => !NotAppSettings.ContainsKey(k)))
        {
            var section = KeyedSections.FirstOrDefault(s => key.StartsWith(s, StringComparison.OrdinalIgnoreCase));
            Assert.True(section is null ? settings.ContainsKey(key) : settings.Keys.Any(k => k.StartsWith(section, StringComparison.OrdinalIgnoreCase)),
                $"infra/resources.bicep does not set {key}, which the app reads");
        }
        Assert.True(settings.ContainsKey("AzureWebJobsStorage__accountName"));
        Assert.False(settings.ContainsKey("AzureWebJobsStorage"), "storage is reached by identity, never by a connection string");
        foreach (var secret in new[] { "Baocao__AdminKey", "Mail__SendGridApiKey", "Review__SigningKeys__a", "Review__SigningKeys__b" })
        {
            Assert.Contains("@Microsoft.KeyVault(SecretUri=", settings[secret]);
        }
        Assert.Contains(Baocao.Workflow.WorkflowTriggers.SweepScheduleSetting, settings.Keys);
    }

    [Fact]
    public async Task Storage_has_every_table_container_and_queue_of_the_app_and_no_shared_keys()
    {
        var template = await BuildAsync();
        var text = template.ToJsonString();
        foreach (var name in StorageNames.Tables.Concat(StorageNames.Containers).Concat(StorageNames.Queues).Append(StorageNames.OutboxQueue + "-poison"))
        {
            Assert.Contains($"\"{name}\"", text);
        }
        var account = Assert.Single(Resources(template, "Microsoft.Storage/storageAccounts"));
        Assert.False(account["properties"]!["allowSharedKeyAccess"]!.GetValue<bool>());
        var site = Assert.Single(Resources(template, "Microsoft.Web/sites"));
        Assert.Equal("SystemAssigned", site["identity"]!["type"]!.GetValue<string>());
        Assert.Equal("dotnet-isolated", site["properties"]!["functionAppConfig"]!["runtime"]!["name"]!.GetValue<string>());
        Assert.Equal("10.0", site["properties"]!["functionAppConfig"]!["runtime"]!["version"]!.GetValue<string>());
        Assert.Equal("FlexConsumption", Assert.Single(Resources(template, "Microsoft.Web/serverfarms"))["sku"]!["tier"]!.GetValue<string>());
        // Blob Data Owner, Queue Data Contributor, Table Data Contributor, Key Vault Secrets User.
        var roles = Resources(template, "Microsoft.Authorization/roleAssignments").Select(r => r["properties"]!["roleDefinitionId"]!.ToJsonString()).ToList();
        Assert.Equal(2, roles.Count);
        foreach (var role in new[] { "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "974c5e8b-45b9-4653-ba55-5f855dd0fb88", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "4633458b-17de-408a-b874-0445c86b69e6" })
        {
            Assert.True(text.Contains(role, StringComparison.Ordinal), $"no role assignment of {role}");
        }
    }

    /// <summary>
    /// The scalar entries of the mapping at <paramref name="parent"/>.<paramref name="child"/> of a YAML file written in
    /// block style (as azure.yaml is); nested mappings below it are left out.
    /// </summary>
    private static Dictionary<string, string> YamlMapping(IEnumerable<string> lines, string parent, string child)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        var path = new List<(int Indent, string Key)>();
        foreach (var line in lines)
        {
            if (line.TrimStart().StartsWith('#')) continue;
            var match = YamlKey().Match(line);
            if (!match.Success) continue;
            var indent = match.Groups["indent"].Length;
            var key = match.Groups["key"].Value;
            var value = match.Groups["value"].Value.Trim().Trim('"', '\'');
            while (path.Count > 0 && path[^1].Indent >= indent) path.RemoveAt(path.Count - 1);
            if (value.Length == 0) path.Add((indent, key));
            else if (path.Count == 2 && path[0].Key == parent && path[1].Key == child) found[key] = value;
        }
        return found;
    }

    [Fact]
    public async Task Azd_publishes_the_worker_project_and_deploys_it_to_the_site_tagged_with_its_service()
    {
        var lines = await File.ReadAllLinesAsync(Path.Combine(Repository.Root, "azure.yaml"), TestContext.Current.CancellationToken);
        var service = YamlMapping(lines, "services", AzdService);
        Assert.Equal("./functions", service.GetValueOrDefault("project"));
        Assert.Equal("dotnet", service.GetValueOrDefault("language"));
        Assert.Equal("function", service.GetValueOrDefault("host"));
        Assert.True(File.Exists(Path.Combine(Repository.Root, "functions", "Baocao.csproj")), "azure.yaml's service project is not the worker");
        // azd finds the resource to deploy to by this tag; the site's tags are an expression (union of the common tags).
        var site = Assert.Single(Resources(await BuildAsync(), "Microsoft.Web/sites"));
        var tags = site["tags"] is JsonValue value && value.TryGetValue<string>(out var expression) ? expression : site["tags"]!.ToJsonString();
        Assert.Matches($@"['""]azd-service-name['""]\s*[,:]\s*['""]{AzdService}['""]", tags);
    }
}
