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
    private readonly Counter<long> _submissions;
    private readonly Counter<long> _transitions;
    private readonly Counter<long> _reminders;
    private readonly Counter<long> _mails;
    private readonly Histogram<double> _outboxLag;

    public BaocaoMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _invocations = meter.CreateCounter<long>("baocao.function.invocations", "{invocation}", "Timer and queue invocations, by function and outcome");
        _invocationDuration = meter.CreateHistogram<double>("baocao.function.duration", "s", "How long timer and queue invocations take");
        _submissions = meter.CreateCounter<long>("baocao.submissions", "{submission}", "Reports submitted, by outcome");
        _transitions = meter.CreateCounter<long>("baocao.workflow.transitions", "{transition}", "Workflow transitions applied, by trigger and new state");
        _reminders = meter.CreateCounter<long>("baocao.reminders", "{reminder}", "Reminders and escalations sent, by kind");
        _mails = meter.CreateCounter<long>("baocao.mails", "{mail}", "Mails handed to SendGrid, by outcome");
        _outboxLag = meter.CreateHistogram<double>("baocao.outbox.lag", "s", "From an outbox item's commit to its delivery");
    }

    public void Submission(bool accepted) => _submissions.Add(1, new TagList { { "outcome", accepted ? "accepted" : "rejected" } });

    public void Transition(string trigger, string to) => _transitions.Add(1, new TagList { { "trigger", trigger }, { "state", to } });

    public void Reminder(string kind) => _reminders.Add(1, new TagList { { "kind", kind } });

    public void Mail(bool sent) => _mails.Add(1, new TagList { { "outcome", sent ? "sent" : "failed" } });

    public void OutboxDelivered(TimeSpan lag) => _outboxLag.Record(lag.TotalSeconds);

    public void Invocation(string function, bool succeeded, TimeSpan elapsed)
    {
        var tags = new TagList { { "function", function }, { "outcome", succeeded ? "success" : "failure" } };
        _invocations.Add(1, tags);
        _invocationDuration.Record(elapsed.TotalSeconds, tags);
    }
}
