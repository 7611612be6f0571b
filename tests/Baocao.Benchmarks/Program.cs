using System.Text.Json;
using Baocao.Benchmarks.Scenarios;

namespace Baocao.Benchmarks;

/// <summary>The sizes a run uses: the issue's figures, or a smoke size that only proves the harness still works.</summary>
public sealed record Sizes(int Units, int Concurrency, int AttachmentBytes, long LargeBytes, int LargeRounds, TimeSpan IdleWarmUp, TimeSpan Idle)
{
    public static readonly Sizes Full = new(1_000, 64, 256 * 1024, 500L * 1024 * 1024, 5, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5));
    public static readonly Sizes Smoke = new(24, 8, 256 * 1024, 24L * 1024 * 1024, 1, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5));
}

/// <summary>One line of the report: what was measured, against which baseline of the same run, and whether the target holds.</summary>
public sealed record Result(string Scenario, double Value, string Unit, double? Baseline, double? Ratio, string Detail, string Target, bool Met);

/// <summary>
/// Runs the scenarios of the performance issue against Azurite and the real app, each beside a baseline measured in
/// the same run, and prints one table. Usage: <c>dotnet run -c Release --project tests/Baocao.Benchmarks [-- --smoke]
/// [--scenario rush|upload|lifecycle|dashboard|idle]</c>. Exits non-zero when a full-size target is missed.
/// </summary>
public static class Harness
{
    public static async Task<int> Main(string[] args)
    {
        var smoke = args.Contains("--smoke");
        var only = args.SkipWhile(a => a != "--scenario").Skip(1).FirstOrDefault();
        var sizes = smoke ? Sizes.Smoke : Sizes.Full;
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        var ct = cancel.Token;

        Console.WriteLine($"Baocao benchmarks ({(smoke ? "smoke size: figures are not meaningful" : "full size")}), {Environment.ProcessorCount} cores");
        var root = RepositoryRoot();
        await using var app = await BenchmarkApp.StartAsync(root, ct);
        var results = new List<Result>();
        bool Wanted(string name) => only is null || only == name;
        if (Wanted("rush")) results.AddRange(await DeadlineRush.RunAsync(app, sizes, ct));
        if (Wanted("upload")) results.AddRange(await LargeUpload.RunAsync(token => BenchmarkApp.StartAsync(root, token), sizes, ct));
        if (Wanted("lifecycle")) results.AddRange(await Lifecycle.RunAsync(app, ct));
        if (Wanted("dashboard")) results.AddRange(await DashboardRender.RunAsync(app, sizes, ct));
        if (Wanted("idle")) results.AddRange(await EngineIdle.RunAsync(root, sizes, ct));

        Console.WriteLine();
        Console.WriteLine("| scenario | measured | target | met |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var r in results) Console.WriteLine($"| {r.Scenario} | {r.Detail} | {r.Target} | {(r.Met ? "yes" : "NO")} |");
        var output = Path.Combine(root, "bench", "results", smoke ? "smoke.json" : "latest.json");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await File.WriteAllTextAsync(output, JsonSerializer.Serialize(new
        {
            machine = new { cores = Environment.ProcessorCount, memoryGiB = Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024), 1) },
            size = smoke ? "smoke" : "full",
            results = results.Select(r => new { name = r.Scenario, value = r.Value, unit = r.Unit, baseline = r.Baseline, ratio = r.Ratio, target = r.Target, holds = r.Met }),
        }, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }), ct);
        Console.WriteLine($"Results written to {output}");
        return smoke || results.All(r => r.Met) ? 0 : 1;
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Baocao.slnx"))) return folder.FullName;
        }
        throw new InvalidOperationException("Baocao.slnx not found above " + AppContext.BaseDirectory);
    }
}
