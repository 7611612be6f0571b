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

            var port = LocalAzurite.FreePort();
            var settings = new Dictionary<string, string>
            {
                ["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(),
                ["AzureWebJobsStorage"] = app.Azurite.ConnectionString,
                ["Baocao__AdminKey"] = TestApp.AdminKey,
                ["Mail__SendGridApiKey"] = "SG.test",
                ["Mail__FromEmail"] = "baocao@anhoa.example",
                ["Mail__FromName"] = "Baocao",
            };
            using var process = Start(executable, [], workingDirectory, settings);
            try
            {
                using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
                Assert.Equal(HttpStatusCode.OK, await FirstAnswerAsync(client, "/", TimeSpan.FromSeconds(30), ct));
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
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(ct);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
            Directory.Delete(artifacts, recursive: true);
        }
    }

    /// <summary>Probes like the host: every 25 ms until any answer, or the time runs out.</summary>
    private static async Task<HttpStatusCode> FirstAnswerAsync(HttpClient client, string path, TimeSpan within, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            try
            {
                return (await client.GetAsync(path, ct)).StatusCode;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(25, ct);
            }
        }
    }

    private static ProcessStartInfo StartInfo(string file, string[] arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        return start;
    }

    private static Process Start(string file, string[] arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var process = Process.Start(StartInfo(file, arguments, workingDirectory, environment))!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task RunAsync(string file, string[] arguments, string workingDirectory, CancellationToken ct)
    {
        using var process = Process.Start(StartInfo(file, arguments, workingDirectory))!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', arguments)} failed:\n{await output}\n{await error}");
    }
}
