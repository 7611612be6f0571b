using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;

namespace Baocao.Benchmarks;

/// <summary>Throughput and latency of operations run at a fixed concurrency.</summary>
public sealed record Run(int Operations, TimeSpan Elapsed, IReadOnlyList<double> LatenciesMs)
{
    public double PerSecond => Operations / Elapsed.TotalSeconds;
    public double P(double percentile) => LatenciesMs.Count == 0 ? 0 : LatenciesMs.Order().ElementAt((int)Math.Min(LatenciesMs.Count - 1, Math.Ceiling(percentile / 100 * LatenciesMs.Count) - 1));
    public override string ToString() => $"{PerSecond,8:F1}/s  p50 {P(50),7:F1} ms  p95 {P(95),7:F1} ms  p99 {P(99),7:F1} ms";
}

public static class Measure
{
    /// <summary>Runs <paramref name="operation"/> for 0..count-1 with at most <paramref name="concurrency"/> at once.</summary>
    public static async Task<Run> ConcurrentlyAsync(int count, int concurrency, Func<int, CancellationToken, Task> operation, CancellationToken ct)
    {
        var latencies = new double[count];
        var total = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct }, async (i, token) =>
        {
            var one = Stopwatch.StartNew();
            await operation(i, token);
            latencies[i] = one.Elapsed.TotalMilliseconds;
        });
        return new Run(count, total.Elapsed, latencies);
    }

    /// <summary>Runs <paramref name="work"/> while sampling the process's working set; returns its time and the peak growth in bytes.</summary>
    public static async Task<(TimeSpan Elapsed, long PeakGrowth)> WatchingMemoryAsync(Func<Task> work)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var baseline = Environment.WorkingSet;
        var peak = baseline;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, Environment.WorkingSet);
                await Task.Delay(10, CancellationToken.None);
            }
        }, CancellationToken.None);
        var watch = Stopwatch.StartNew();
        await work();
        watch.Stop();
        await stop.CancelAsync();
        await sampler;
        return (watch.Elapsed, Math.Max(0, peak - baseline));
    }

    public static void EnsureSuccess(HttpResponseMessage response, string what)
    {
        if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created or HttpStatusCode.NoContent) return;
        throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {response.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
    }
}

/// <summary>A PDF-looking stream of any length, generated as it is read, never held whole.</summary>
public sealed class GeneratedPdf(long length) : Stream
{
    private static readonly byte[] Pattern = MakePattern();
    private long _position;

    private static byte[] MakePattern()
    {
        var bytes = RandomNumberGenerator.GetBytes(64 * 1024);
        "%PDF-1.7\n"u8.CopyTo(bytes);
        return bytes;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, length - _position);
        for (var written = 0; written < n;)
        {
            var at = (int)((_position + written) % Pattern.Length);
            var piece = Math.Min(n - written, Pattern.Length - at);
            Pattern.AsSpan(at, piece).CopyTo(buffer[written..]);
            written += piece;
        }
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
