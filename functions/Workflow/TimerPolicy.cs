using Baocao.Catalog;

namespace Baocao.Workflow;

/// <summary>What a transition does to an instance's timers: the ones it removes (of those it has) and the ones it sets.</summary>
public sealed record TimerChange(IReadOnlyList<DurableTimer> Set, IReadOnlyList<StoredTimer> Remove)
{
    public static readonly TimerChange None = new([], []);
}

/// <summary>
/// A feature that keeps timers in step with a report's state (reminders before the deadline, waits in a review stage).
/// The engine asks it which timers an instance starts with, and, for every transition it <see cref="Concerns"/>, what
/// to set and remove, and commits that in the transition's own transaction: a Submit that cancels reminders cancels
/// them together with the version it creates. A transition that finishes the report removes every timer without asking.
/// </summary>
public interface ITimerPolicy
{
    /// <summary>The timers the instance of <paramref name="period"/> × <paramref name="unitCode"/> starts with, beside its deadline.</summary>
    IReadOnlyList<DurableTimer> AtStart(Period period, string unitCode);

    /// <summary>Whether <paramref name="e"/> may change this policy's timers; only then are the instance's timers read.</summary>
    bool Concerns(HistoryEvent e);

    /// <summary>The change <paramref name="e"/> makes, knowing the instance after it and its timers before it.</summary>
    Task<TimerChange> ChangeAsync(WorkflowInstance next, HistoryEvent e, IReadOnlyList<StoredTimer> timers, CancellationToken cancellationToken);
}
