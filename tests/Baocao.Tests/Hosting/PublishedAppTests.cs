using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Baocao.Hosting;
using Baocao.Storage;
using Baocao.Tests.Infrastructure;

namespace Baocao.Tests.Hosting;

/// <summary>
/// Publishes the app as it is deployed and starts it the way the Functions host does: from host.json's working
/// directory, with the port and the app settings in environment variables, probing GET / until it answers.
/// </summary>
public sealed class PublishedAppTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task The_published_folder_is_a_functions_app_whose_executable_binds_the_host_port_and_answers()
    {
        var ct = TestContext.Current.CancellationToken;
        var root = Directory.CreateTempSubdirectory("baocao-functionapp-").FullName;
        var artifacts = Directory.CreateTempSubdirectory("baocao-publish-").FullName;
        try
        {
            await RunAsync("dotnet", ["publish", Path.Combine(Repository.Root, "functions", "Baocao.csproj"), "-c", "Release", "-r", "linux-x64",
                "--self-contained", "--artifacts-path", artifacts, "-o", Path.Combine(root, "app"), "-nologo"], Repository.Root, ct);

            var host = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(root, "host.json"), ct)).RootElement.GetProperty("customHandler");
            var description = host.GetProperty("description");
            var executable = Path.Combine(root, description.GetProperty("defaultExecutablePath").GetString()!);
            var workingDirectory = Path.Combine(root, description.GetProperty("workingDirectory").GetString()!);
            Assert.True(File.Exists(executable), $"host.json names {executable}, which publish did not produce");
            Assert.True(host.GetProperty("enableForwardingHttpRequest").GetBoolean());
            Assert.True(File.Exists(Path.Combine(root, "Health", "function.json")));
            Assert.True(File.Exists(Path.Combine(root, "ImportUnits", "function.json")));
            // Every function of the table, HTTP and trigger alike, and nothing else, beside host.json.
            var table = FunctionTable.From(app.Factory.Services);
            var published = Directory.GetDirectories(root).Where(d => File.Exists(Path.Combine(d, "function.json")))
                .Select(d => (Name: Path.GetFileName(d), Json: JsonNode.Parse(File.ReadAllText(Path.Combine(d, "function.json")))!.ToJsonString()))
                .OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
            Assert.Equal(table.Select(f => (f.Name, Json: f.FunctionJson().ToJsonString())).ToList(), published);
            var hostJson = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(root, "host.json"), ct))!;
            Assert.Equal("Microsoft.Azure.Functions.ExtensionBundle", hostJson["extensionBundle"]!["id"]!.GetValue<string>());
            Assert.True(hostJson["extensions"]!["queues"]!["maxDequeueCount"]!.GetValue<int>() > 1);
            Assert.NotNull(hostJson["functionTimeout"]);

            await using var process = await AppProcess.StartAsync(executable, [], workingDirectory,
                AppProcess.HostSettings(app.Azurite.ConnectionString, LocalAzurite.FreePort()), ct);
            using var client = process.Client(TimeSpan.FromSeconds(5));
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/health", ct)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/dev/mail", ct)).StatusCode);
            // The host's invocation route of each trigger function answers in the host's shape (here refusing an
            // empty Data, so no handler runs); a name that is no function is not found.
            foreach (var trigger in table.OfType<TriggerFunction>())
            {
                using var invocation = await client.PostAsync("/" + trigger.Name, new StringContent("""{"Data":{},"Metadata":{}}""", System.Text.Encoding.UTF8, "application/json"), ct);
                Assert.Equal(HttpStatusCode.BadRequest, invocation.StatusCode);
                Assert.NotNull(JsonNode.Parse(await invocation.Content.ReadAsStringAsync(ct))!["Logs"]);
            }
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/NoSuchFunction", new StringContent("{}"), ct)).StatusCode);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
            Directory.Delete(artifacts, recursive: true);
        }
    }

    private static async Task RunAsync(string file, string[] arguments, string workingDirectory, CancellationToken ct)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', arguments)} failed:\n{await output}\n{await error}");
    }
}
