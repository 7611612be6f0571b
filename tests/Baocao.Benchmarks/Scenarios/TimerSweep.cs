using System.Diagnostics;
using Baocao.Workflow;

namespace Baocao.Benchmarks.Scenarios;

/// <summary>
/// A sweep finds due timers through the time-bucketed index, so its cost follows what is due, not what exists: the
/// same number of due timers among ten times as many instances should cost the same.
/// </summary>
public static class TimerSweep
{
    public static async Task<IReadOnlyList<Result>> RunAsync(BenchmarkApp app, Sizes sizes, CancellationToken ct)
    {
        var small = await SweepAmongAsync(app, 0, sizes.TimersSmall, sizes.Due, ct);
        var large = await SweepAmongAsync(app, sizes.TimersSmall, sizes.TimersLarge, sizes.Due, ct);
        var timeRatio = large.Elapsed.TotalMilliseconds / small.Elapsed.TotalMilliseconds;
        var requestRatio = large.Requests / (double)small.Requests;
        return
        [
            new("4. timer sweep", large.Elapsed.TotalMilliseconds, "ms", small.Elapsed.TotalMilliseconds, timeRatio, $"{sizes.Due} due among {sizes.TimersSmall:N0}: {small.Elapsed.TotalMilliseconds:F0} ms, {small.Requests} requests; among {sizes.TimersLarge:N0}: {large.Elapsed.TotalMilliseconds:F0} ms, {large.Requests} requests; ratio {timeRatio:F2} (time), {requestRatio:F2} (requests)",
                "ratio ≤ 1.2", timeRatio <= 1.2 && requestRatio <= 1.2),
        ];
    }

    /// <summary>Brings the instance count from <paramref name="from"/> to <paramref name="to"/>, <paramref name="due"/> of the new ones due now, then sweeps once.</summary>
    private static async Task<(TimeSpan Elapsed, int Requests)> SweepAmongAsync(BenchmarkApp app, int from, int to, int due, CancellationToken ct)
    {
        var engine = app.Service<WorkflowEngine>();
        var sweeper = app.Service<TimerSweeper>();
        var now = DateTimeOffset.UtcNow;
        Task Start(int i, DateTimeOffset deadline, CancellationToken token) => engine.StartAsync("BENCH-TIMERS", $"U{i:D6}", token, [DeadlineTimer.For(deadline)]);
        await Parallel.ForEachAsync(Enumerable.Range(from, to - from - due), new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = ct },
            async (i, token) => await Start(i, now.AddDays(30 + i % 60), token));
        // Whatever else is due now (the demo's reminders, say) goes first, so the measured sweep meets only its own timers.
        await sweeper.SweepAsync(ct);
        await Parallel.ForEachAsync(Enumerable.Range(to - due, due), new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = ct },
            async (i, token) => await Start(i, now.AddMinutes(-1), token));
        var before = app.Requests.Snapshot();
        var watch = Stopwatch.StartNew();
        var swept = await sweeper.SweepAsync(ct);
        watch.Stop();
        var requests = app.Requests.Since(before).Sum(r => r.Value);
        Console.WriteLine($"sweep among {to,7:N0} instances: {swept.Fired} fired of {swept.Due} due in {watch.Elapsed.TotalMilliseconds:F0} ms, {requests} storage requests");
        if (swept.Fired != due) throw new InvalidOperationException($"Expected {due} timers to fire, {swept.Fired} did.");
        return (watch.Elapsed, requests);
    }
}
