using System.Diagnostics;

namespace Baocao.Tests.Infrastructure;

/// <summary>
/// Waits for what the app does in the background by looking again until it holds, and fails naming what was awaited
/// once the deadline has passed: a test waits on the thing itself, never on a sleep guessed long enough.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan DefaultWithin = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DefaultEvery = TimeSpan.FromMilliseconds(100);

    public static async Task UntilAsync(Func<Task<bool>> holds, string awaited, TimeSpan? within = null, TimeSpan? every = null)
    {
        var started = Stopwatch.GetTimestamp();
        while (!await holds())
        {
            if (Stopwatch.GetElapsedTime(started) > (within ?? DefaultWithin)) Assert.Fail($"Waited {within ?? DefaultWithin} for {awaited}.");
            await Task.Delay(every ?? DefaultEvery, TestContext.Current.CancellationToken);
        }
    }

    public static Task UntilAsync(Func<bool> holds, string awaited, TimeSpan? within = null, TimeSpan? every = null) =>
        UntilAsync(() => Task.FromResult(holds()), awaited, within, every);
}
