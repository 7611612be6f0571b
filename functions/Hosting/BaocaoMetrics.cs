using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Baocao.Hosting;

/// <summary>
/// The app's own instruments, on the meter <see cref="MeterName"/> that telemetry exports. Features record through
/// this one class, so every metric name lives in one place.
/// </summary>
public sealed class BaocaoMetrics
{
    public const string MeterName = "Baocao";

    private readonly Counter<long> _invocations;
    private readonly Histogram<double> _invocationDuration;

    public BaocaoMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _invocations = meter.CreateCounter<long>("baocao.function.invocations", "{invocation}", "Timer and queue invocations, by function and outcome");
        _invocationDuration = meter.CreateHistogram<double>("baocao.function.duration", "s", "How long timer and queue invocations take");
    }

    public void Invocation(string function, bool succeeded, TimeSpan elapsed)
    {
        var tags = new TagList { { "function", function }, { "outcome", succeeded ? "success" : "failure" } };
        _invocations.Add(1, tags);
        _invocationDuration.Record(elapsed.TotalSeconds, tags);
    }
}
