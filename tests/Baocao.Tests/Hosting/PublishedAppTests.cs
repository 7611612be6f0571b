using System.Diagnostics;
using System.Net;
using System.Text.Json;
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

            await using var process = await AppProcess.StartAsync(executable, [], workingDirectory,
                AppProcess.HostSettings(app.Azurite.ConnectionString, LocalAzurite.FreePort()), ct);
            using var client = process.Client(TimeSpan.FromSeconds(5));
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/health", ct)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/dev/mail", ct)).StatusCode);
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
