using System.Globalization;

namespace Baocao.Tests.Reliability;

/// <summary>
/// How hard the reliability tests push: 1 in CI (a few units, a few faults, well inside the suite's budget), more with
/// <c>BAOCAO_RELIABILITY_SCALE</c> for the reliability run in docs/reliability.md.
/// </summary>
public static class ReliabilityScale
{
    public const string Variable = "BAOCAO_RELIABILITY_SCALE";

    public static int Factor { get; } =
        int.TryParse(Environment.GetEnvironmentVariable(Variable), NumberStyles.None, CultureInfo.InvariantCulture, out var f) && f > 0 ? f : 1;

    /// <summary>Units of the demo province that report on 2026-H1, in a fixed order.</summary>
    private static readonly string[] DemoUnits =
        ["HU-DONGSON", "HU-KIMTHANH", "HU-PHULOC", "TXU-BINHMINH", "TPU-ANHOA", "DUQS", "DUCA", "DUBDBP", "MTTQ", "HLHPN", "HND", "HCCB", "TINHDOAN", "LDLD"];

    /// <summary>The first <paramref name="wanted"/> of the demo's units (all of them, when a scale asks for more).</summary>
    public static string[] Units(int wanted) => DemoUnits[..Math.Min(DemoUnits.Length, wanted)];
}

/// <summary>
/// What one reliability scenario did and what came of it, counted while it runs: the figures of docs/reliability.md's table.
/// Each finished scenario appends its row to <c>artifacts/reliability.md</c> beside the test binaries.
/// </summary>
public sealed class Figures(string scenario)
{
    private int _sent;
    private int _faults;
    private int _acknowledged;
    private int _serverErrors;
    private int _unavailable;
    private int _connectionErrors;

    public string Scenario { get; } = scenario;
    public int Sent => Volatile.Read(ref _sent);
    public int Faults => Volatile.Read(ref _faults);
    public int Acknowledged => Volatile.Read(ref _acknowledged);

    /// <summary>5xx other than 503 with Retry-After: answers that leave a client not knowing what happened.</summary>
    public int ServerErrors => Volatile.Read(ref _serverErrors);

    /// <summary>503 with Retry-After: the app's honest "not now".</summary>
    public int Unavailable => Volatile.Read(ref _unavailable);

    public int ConnectionErrors => Volatile.Read(ref _connectionErrors);
    public int Lost { get; set; }
    public int Duplicated { get; set; }

    public void CountSent(int count = 1) => Interlocked.Add(ref _sent, count);
    public void CountFault(int count = 1) => Interlocked.Add(ref _faults, count);
    public void CountAcknowledged() => Interlocked.Increment(ref _acknowledged);
    public void CountServerError() => Interlocked.Increment(ref _serverErrors);
    public void CountUnavailable() => Interlocked.Increment(ref _unavailable);
    public void CountConnectionError() => Interlocked.Increment(ref _connectionErrors);

    public const string Header =
        "| scenario | scale | requests sent | faults injected | acknowledged | 503 + Retry-After | connection errors | lost | duplicated | other 5xx |\n" +
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|";

    public string Row => string.Create(CultureInfo.InvariantCulture,
        $"| {Scenario} | {ReliabilityScale.Factor} | {Sent} | {Faults} | {Acknowledged} | {Unavailable} | {ConnectionErrors} | {Lost} | {Duplicated} | {ServerErrors} |");

    private static readonly Lock FileLock = new();
    private static bool _fileStarted;

    /// <summary>Writes the row to the test's output and to the figures file, which each test run starts afresh.</summary>
    public void Publish()
    {
        TestContext.Current.TestOutputHelper?.WriteLine(Header + "\n" + Row);
        var file = Path.Combine(AppContext.BaseDirectory, "artifacts", "reliability.md");
        lock (FileLock)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            if (!_fileStarted) File.WriteAllText(file, Header + "\n");
            _fileStarted = true;
            File.AppendAllText(file, Row + "\n");
        }
    }
}
