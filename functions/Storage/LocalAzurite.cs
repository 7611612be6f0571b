using System.Diagnostics;
using System.Net.Sockets;

namespace Baocao.Storage;

/// <summary>
/// Azurite, installed from npm by the project's package.json, run as a child process. The app starts it for local
/// development storage; the test fixture starts one per run on free ports with in-memory persistence.
/// </summary>
public sealed class LocalAzurite : IAsyncDisposable
{
    public const string AccountName = "devstoreaccount1";

    // Azurite's published, well-known development key: not a secret.
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;

    private readonly string? _location;
    private bool _stopped;

    private LocalAzurite(Process process, int blobPort, int queuePort, int tablePort, string? location)
    {
        _process = process;
        _location = location;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }
    public int QueuePort { get; }
    public int TablePort { get; }

    public string ConnectionString => For(BlobPort, QueuePort, TablePort);

    public static string For(int blobPort, int queuePort, int tablePort) =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{queuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{tablePort}/{AccountName};";

    /// <summary>Starts Azurite and returns once all three services accept connections.</summary>
    /// <param name="repositoryRoot">The folder holding package.json and node_modules.</param>
    /// <param name="location">Where Azurite keeps its data; null keeps everything in memory.</param>
    public static async Task<LocalAzurite> StartAsync(string repositoryRoot, int blobPort, int queuePort, int tablePort,
        string? location, CancellationToken cancellationToken)
    {
        var script = Path.Combine(repositoryRoot, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Azurite is not installed at {script}. Run `npm ci` in {repositoryRoot} first.");
        }
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = repositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     script, "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry",
                     "--blobPort", blobPort.ToString(), "--queuePort", queuePort.ToString(), "--tablePort", tablePort.ToString(),
                 })
        {
            start.ArgumentList.Add(argument);
        }
        if (location is null)
        {
            start.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            Directory.CreateDirectory(location);
            start.ArgumentList.Add("--location");
            start.ArgumentList.Add(location);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var azurite = new LocalAzurite(process, blobPort, queuePort, tablePort, location);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            foreach (var port in new[] { blobPort, queuePort, tablePort })
            {
                while (!await IsListeningAsync(port, timeout.Token))
                {
                    if (process.HasExited) throw new InvalidOperationException($"Azurite exited with code {process.ExitCode} while starting.");
                    await Task.Delay(100, timeout.Token);
                }
            }
            return azurite;
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
    }

    public static async Task<bool> IsListeningAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync("127.0.0.1", port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>A port nobody listens on now, chosen by the operating system.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The CPU time Azurite's process has used so far, all its threads together.</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>
    /// Freezes Azurite (SIGSTOP; not on Windows): its ports still take connections, which the kernel completes, but
    /// nothing answers, as storage that hangs. <see cref="ResumeAsync"/> lets it go on with all it held.
    /// </summary>
    public Task PauseAsync() => SignalAsync("STOP");

    public Task ResumeAsync() => SignalAsync("CONT");

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>
    /// Stops Azurite. With data kept in a location it is asked to stop (SIGTERM), so it saves what it holds in memory
    /// (a kill could lose the last seconds of writes), and killed only if it has not stopped within ten seconds.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopped) return;
        _stopped = true;
        if (!_process.HasExited && _location is not null && !OperatingSystem.IsWindows())
        {
            await SignalAsync("TERM");
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
