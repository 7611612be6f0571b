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

    private readonly Counter<long> _submissions;
    private readonly Counter<long> _transitions;
    private readonly Counter<long> _reminders;
    private readonly Counter<long> _mails;
    private readonly Histogram<double> _outboxLag;

    public BaocaoMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
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
}
