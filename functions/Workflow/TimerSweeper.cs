using Baocao.Hosting;

namespace Baocao.Workflow;

/// <summary>What a timer's firing does to its instance: the event it records (with its work), or nothing when stale.</summary>
public sealed record TimerFiring(ReportTrigger Trigger, string? Comment, IReadOnlyList<WorkItem> Work);

/// <summary>
/// What a kind of durable timer does when it comes due. Features register their kinds (the deadline here, reminders
/// later); the sweep finds the kind by the name stored with the timer.
/// </summary>
public interface ITimerKind
{
    string Kind { get; }

    /// <summary>The event to record now, or null when the instance has moved on and the timer means nothing any more.</summary>
    TimerFiring? Fire(WorkflowInstance instance, DurableTimer timer);
}

/// <summary>At the period's deadline, a report still not submitted is flagged overdue, with an event in its history.</summary>
public sealed class DeadlineTimer(PeopleTime time) : ITimerKind
{
    public const string Name = "deadline";

    public string Kind => Name;

    public static DurableTimer For(DateTimeOffset deadline) => new(Name, Name, deadline);

    public TimerFiring? Fire(WorkflowInstance instance, DurableTimer timer) =>
        WorkflowDefinition.NotSubmitted.Contains(instance.State) && !instance.Overdue
            ? new TimerFiring(ReportTrigger.FlagOverdue, $"Quá hạn nộp báo cáo (hạn {time.Describe(timer.Due)}).", [])
            : null;
}

/// <summary>What one sweep did: entries found due, timers fired, stale or dangling entries dropped, outboxes re-announced, failures left for the next sweep, work its finishers made (digest mails), and expired records deleted.</summary>
public sealed record SweepResult(int Due, int Fired, int Stale, int Announced, int Failed, int Finished = 0, int Expired = 0);

/// <summary>A timer the sweep fired: its instance and its kind.</summary>
public sealed record FiredTimer(string InstanceId, string Kind);

/// <summary>What a sweep hands its finishers: its time, the timers it fired and the digest entries that came due.</summary>
public sealed record SweepFirings(DateTimeOffset Now, IReadOnlyList<FiredTimer> Fired, IReadOnlyList<DueEntry> Digests);

/// <summary>
/// Runs once at the end of a sweep that fired a timer or found a digest entry due: a feature whose timers record
/// notices rather than send mail (reminders) gathers them here into one piece of work per recipient.
/// </summary>
public interface ISweepFinisher
{
    /// <summary>Gathers what the firings recorded; returns how many pieces of work it made. Throws to leave the digest entries for the next sweep.</summary>
    Task<int> FinishAsync(SweepFirings firings, CancellationToken cancellationToken);
}

/// <summary>
/// Records a feature keeps only for a while (unfinished resumable uploads). The feature puts a <see cref="DueKind.Expiry"/>
/// entry in its own <see cref="Partition"/> of the timer index when it creates one, due when the record expires; the
/// sweep hands the entry's name back here, so the workflow never needs to know what the records are.
/// </summary>
public interface IExpiringRecords
{
    /// <summary>The timer-index partition of this feature's expiry entries.</summary>
    string Partition { get; }

    /// <summary>
    /// Deletes the record <paramref name="name"/> and what it holds when it is still there and expired; returns whether
    /// it did. Deleting must be safe to repeat: a sweep that dies half way leaves the entry for the next one.
    /// </summary>
    Task<bool> ExpireAsync(string name, CancellationToken cancellationToken);
}

/// <summary>
/// One sweep of the timer index, called by the Functions timer trigger in Azure and by a local loop: every entry due
/// is checked against the row it stands for. A timer fires through the engine, which deletes the timer row under its
/// ETag in the firing's own transaction, so two sweepers racing on it fire it once.
/// </summary>
public sealed partial class TimerSweeper(
    TimerIndex index,
    WorkflowStore store,
    WorkflowEngine engine,
    OutboxQueue outbox,
    IEnumerable<ITimerKind> kinds,
    IEnumerable<ISweepFinisher> finishers,
    IEnumerable<IExpiringRecords> expiring,
    PeopleTime time,
    ILogger<TimerSweeper> logger)
{
    /// <summary>The actor history names for what timers do.</summary>
    public const string Actor = "hệ thống";

    /// <summary>Re-announcing an outbox stops after this many sweeps; the rows stay for an admin to see.</summary>
    public const int MaxAnnouncements = 5;

    private readonly Dictionary<string, ITimerKind> _kinds = kinds.ToDictionary(k => k.Kind);
    private readonly Dictionary<string, IExpiringRecords> _expiring = expiring.ToDictionary(e => e.Partition);

    public async Task<SweepResult> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.UtcNow;
        var due = await index.DueAsync(now, cancellationToken);
        var tally = new Tally();
        foreach (var entry in due)
        {
            try
            {
                if (await SweepEntryAsync(entry, now, tally, cancellationToken)) await index.DeleteAsync(entry, cancellationToken);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                LogEntryFailed(logger, entry.Partition, entry.Kind, entry.Name, error);
                tally.Failed++;
            }
        }
        if (tally.Fired.Count > 0 || tally.Digests.Count > 0) await FinishAsync(now, tally, cancellationToken);
        var result = new SweepResult(due.Count, tally.Fired.Count, tally.Stale, tally.Announced, tally.Failed, tally.Finished, tally.Expired);
        if (due.Count > 0) LogSwept(logger, result.Due, result.Fired, result.Stale, result.Announced, result.Failed, result.Finished, result.Expired);
        return result;
    }

    /// <summary>What one sweep counts as it goes, and what it hands its finishers.</summary>
    private sealed class Tally
    {
        public List<FiredTimer> Fired { get; } = [];
        public List<DueEntry> Digests { get; } = [];
        public int Stale, Announced, Failed, Finished, Expired;
    }

    /// <summary>Does what a due entry stands for and counts it; true when the entry is done with and may go from the index.</summary>
    private async Task<bool> SweepEntryAsync(DueEntry entry, DateTimeOffset now, Tally tally, CancellationToken cancellationToken)
    {
        switch (entry.Kind)
        {
            case DueKind.Timer when await FireAsync(entry, cancellationToken) is { } kind:
                tally.Fired.Add(new FiredTimer(entry.Partition, kind));
                break;
            case DueKind.Digest:
                // Removed only once the finishers gathered it: a crash before leaves it for the next sweep.
                tally.Digests.Add(entry);
                return false;
            case DueKind.Outbox when await ReannounceAsync(entry, now, cancellationToken):
                tally.Announced++;
                break;
            case DueKind.Expiry when await ExpireAsync(entry, cancellationToken):
                tally.Expired++;
                break;
            case DueKind.Timer or DueKind.Outbox or DueKind.Expiry:
                tally.Stale++;
                break;
        }
        return true;
    }

    /// <summary>Hands the sweep's firings to the finishers; the digest entries go only once every finisher has gathered them.</summary>
    private async Task FinishAsync(DateTimeOffset now, Tally tally, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var finisher in finishers) tally.Finished += await finisher.FinishAsync(new SweepFirings(now, tally.Fired, tally.Digests), cancellationToken);
            foreach (var entry in tally.Digests) await index.DeleteAsync(entry, cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            LogFinishFailed(logger, error);
            tally.Failed++;
        }
    }

    /// <summary>Fires a due timer and returns its kind; null when the entry is stale or dangling (no such timer, a different due time, or the state moved on).</summary>
    private async Task<string?> FireAsync(DueEntry entry, CancellationToken cancellationToken)
    {
        var timer = await store.GetTimerAsync(entry.Partition, entry.Name, cancellationToken);
        if (timer is null || timer.Timer.Due != entry.Due) return null;
        var instance = (await store.GetAsync(entry.Partition, cancellationToken))?.Instance;
        var firing = instance is null ? null
            : _kinds.TryGetValue(timer.Timer.Kind, out var kind) ? kind.Fire(instance, timer.Timer)
            : throw new InvalidOperationException($"No timer kind '{timer.Timer.Kind}' is registered.");
        if (firing is null)
        {
            await store.TryRemoveTimerAsync(timer, cancellationToken);
            LogStale(logger, entry.Partition, timer.Timer.Name);
            return null;
        }
        var result = await engine.FireAsync(entry.Partition, new Firing(firing.Trigger, Actor, WorkflowChannel.Timer)
        {
            Comment = firing.Comment, Work = firing.Work, SeenState = instance!.State, Timer = timer,
        }, cancellationToken);
        if (result is FireResult.Applied) return timer.Timer.Kind;
        // Another sweeper fired it, or the report moved on meanwhile: either way this timer has nothing left to do.
        await store.TryRemoveTimerAsync(timer, cancellationToken);
        LogStale(logger, entry.Partition, timer.Timer.Name);
        return null;
    }

    /// <summary>Hands an expiry entry to the feature owning its partition; false when the record was gone, kept or not yet due.</summary>
    private Task<bool> ExpireAsync(DueEntry entry, CancellationToken cancellationToken) =>
        _expiring.TryGetValue(entry.Partition, out var records)
            ? records.ExpireAsync(entry.Name, cancellationToken)
            : throw new InvalidOperationException($"No expiring records are registered for '{entry.Partition}'.");

    /// <summary>Announces an outbox again when its rows outlived their announcement; checks again later, a few times.</summary>
    private async Task<bool> ReannounceAsync(DueEntry entry, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if ((await store.OutboxAsync(entry.Partition, cancellationToken)).Count == 0) return false;
        await outbox.AnnounceAsync(entry.Partition, cancellationToken);
        if (entry.Attempt + 1 < MaxAnnouncements)
        {
            var later = OutboxQueue.RecoveryDelay * Math.Pow(2, entry.Attempt + 1);
            await index.PutAsync(entry with { Due = now + later, Attempt = entry.Attempt + 1 }, cancellationToken);
        }
        else
        {
            LogGaveUp(logger, entry.Partition, MaxAnnouncements);
        }
        return true;
    }

    [LoggerMessage(LogLevel.Information, "Timer sweep: {Due} due, {Fired} fired, {Stale} stale, {Announced} outboxes announced, {Failed} failed, {Finished} digests made, {Expired} expired records deleted")]
    private static partial void LogSwept(ILogger logger, int due, int fired, int stale, int announced, int failed, int finished, int expired);

    [LoggerMessage(LogLevel.Warning, "Timer sweep: gathering what the firings recorded failed; the digest entries stay for the next sweep")]
    private static partial void LogFinishFailed(ILogger logger, Exception error);

    [LoggerMessage(LogLevel.Debug, "Workflow {InstanceId}: timer {Timer} came due with nothing to do")]
    private static partial void LogStale(ILogger logger, string instanceId, string timer);

    [LoggerMessage(LogLevel.Warning, "Timer sweep: entry {Kind} {Name} of {InstanceId} failed; it stays for the next sweep")]
    private static partial void LogEntryFailed(ILogger logger, string instanceId, DueKind kind, string name, Exception error);

    [LoggerMessage(LogLevel.Error, "Outbox of {InstanceId} still undelivered after {Announcements} announcements; see the poison queue")]
    private static partial void LogGaveUp(ILogger logger, string instanceId, int announcements);
}
