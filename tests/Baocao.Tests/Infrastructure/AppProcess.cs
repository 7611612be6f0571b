using Baocao.Storage;
using System.Diagnostics;
using System.Net;

namespace Baocao.Tests.Infrastructure;

/// <summary>
/// The app as its own process under the local host: the address and every app setting in environment variables, probed
/// at <c>/api/health</c> until it answers. It can be killed (SIGKILL) and started again on the
/// same port, as a crash and a restart of the host would do.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly ProcessStartInfo _start;
    private Process? _process;

    private AppProcess(ProcessStartInfo start, int port)
    {
        _start = start;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public Uri BaseAddress { get; }

    /// <summary>The settings a host would give the app against <paramref name="storage"/>, on a free port.</summary>
    public static Dictionary<string, string> HostSettings(string storage, int port) => new()
    {
        ["urls"] = $"http://127.0.0.1:{port}",
        // The tests drive the timer and queue functions themselves, between the crashes they cause.
        [Baocao.LocalHost.FunctionSettings.DisabledSetting("TimerSweep")] = "true",
        [Baocao.LocalHost.FunctionSettings.DisabledSetting("OutboxDispatch")] = "true",
        ["AzureWebJobsStorage"] = storage,
        ["Baocao__AdminKey"] = TestApp.AdminKey,
        ["Mail__SendGridApiKey"] = "SG.test",
        ["Mail__FromEmail"] = "baocao@anhoa.example",
        ["Mail__FromName"] = "Baocao",
        ["Review__CurrentKeyId"] = "k1",
        ["Review__SigningKeys__k1"] = "app-process-test-signing-key-0123456789",
    };

    /// <summary>
    /// <see cref="HostSettings"/> on a free port with a task hub of the process's own (so a test class's in-process
    /// engine never takes its work over) and the demo province seeded, where a message an engine took and died with
    /// comes back after 5 seconds rather than the default five minutes: what a test that kills the engine runs on.
    /// </summary>
    public static Dictionary<string, string> KillableEngineSettings(string storage, string hub)
    {
        var settings = HostSettings(storage, LocalAzurite.FreePort());
        settings["Baocao__SeedDemoData"] = "true";
        settings["AzureFunctionsJobHost__extensions__durableTask__hubName"] = hub;
        settings["AzureFunctionsJobHost__extensions__durableTask__storageProvider__controlQueueVisibilityTimeout"] = "00:00:05";
        settings["AzureFunctionsJobHost__extensions__durableTask__storageProvider__workItemQueueVisibilityTimeout"] = "00:00:05";
        return settings;
    }

    /// <summary>Starts <paramref name="file"/> (an executable, or <c>dotnet</c> with the app's dll) and waits until it answers.</summary>
    public static async Task<AppProcess> StartAsync(string file, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string> settings, CancellationToken ct)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in settings) start.Environment[key] = value;
        var app = new AppProcess(start, new Uri(settings["urls"]).Port);
        await app.RestartAsync(ct);
        return app;
    }

    /// <summary>The local host as built by the solution, run with <c>dotnet</c>.</summary>
    public static Task<AppProcess> StartBuiltAsync(IReadOnlyDictionary<string, string> settings, CancellationToken ct)
    {
        var output = Path.Combine(Repository.Root, "local-host", "bin", "Debug", "net10.0");
        return StartAsync("dotnet", [Path.Combine(output, "Baocao.LocalHost.dll")], output, settings, ct);
    }

    public HttpClient Client(TimeSpan? timeout = null) => new() { BaseAddress = BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(30) };

    /// <summary>A client of the province's administrator.</summary>
    public HttpClient Admin() => Client().Presenting(TestApp.AdminKey);

    /// <summary>Starts the process (again) and waits for its first answer, as the host probes: every 25 ms.</summary>
    public async Task RestartAsync(CancellationToken ct)
    {
        _process = Process.Start(_start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var client = Client(TimeSpan.FromSeconds(5));
        Assert.Equal(HttpStatusCode.OK, await FirstAnswerAsync(client, "/api/health", TimeSpan.FromSeconds(60), ct));
    }

    /// <summary>SIGKILL: no shutdown, no flushing, exactly what a crash looks like to the storage it was talking to.</summary>
    public async Task KillAsync()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync() => await KillAsync();

    private async Task<HttpStatusCode> FirstAnswerAsync(HttpClient client, string path, TimeSpan within, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            try
            {
                return (await client.GetAsync(path, ct)).StatusCode;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && _process is { HasExited: false })
            {
                await Task.Delay(25, ct);
            }
        }
    }
}
