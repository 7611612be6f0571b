using Baocao.Hosting;

namespace Baocao.Workflow;

/// <summary>What one sweep did: entries found due, stale or dangling entries dropped, outboxes re-announced, failures left for the next sweep, work its finishers made (digest mails), and expired records deleted.</summary>
public sealed record SweepResult(int Due, int Stale, int Announced, int Failed, int Finished = 0, int Expired = 0);

/// <summary>What a sweep hands its finishers: its time and the digest entries that came due.</summary>
public sealed record SweepDigests(DateTimeOffset Now, IReadOnlyList<DueEntry> Entries);

/// <summary>
/// Runs once at the end of a sweep that found a digest entry due: a feature whose timers record notices rather than
/// send mail (reminders) gathers them here into one piece of work per recipient.
/// </summary>
public interface ISweepFinisher
{
    /// <summary>Gathers the notices waiting; returns how many pieces of work it made. Throws to leave the digest entries for the next sweep.</summary>
    Task<int> FinishAsync(SweepDigests due, CancellationToken cancellationToken);
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
/// is checked against the rows it stands for (an outbox to announce again, digest notices to gather, a record to
/// expire). A report's own timers are not here: its orchestration waits for them (<see cref="ReportOrchestration"/>).
/// </summary>
public sealed partial class TimerSweeper(
    TimerIndex index,
    WorkflowStore store,
    OutboxQueue outbox,
    IEnumerable<ISweepFinisher> finishers,
    IEnumerable<IExpiringRecords> expiring,
    PeopleTime time,
    ILogger<TimerSweeper> logger)
{
    /// <summary>Re-announcing an outbox stops after this many sweeps; the rows stay for an admin to see.</summary>
    public const int MaxAnnouncements = 5;

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
        if (tally.Digests.Count > 0) await FinishAsync(now, tally, cancellationToken);
        var result = new SweepResult(due.Count, tally.Stale, tally.Announced, tally.Failed, tally.Finished, tally.Expired);
        if (due.Count > 0) LogSwept(logger, result.Due, result.Stale, result.Announced, result.Failed, result.Finished, result.Expired);
        return result;
    }

    /// <summary>What one sweep counts as it goes, and what it hands its finishers.</summary>
    private sealed class Tally
    {
        public List<DueEntry> Digests { get; } = [];
        public int Stale, Announced, Failed, Finished, Expired;
    }

    /// <summary>Does what a due entry stands for and counts it; true when the entry is done with and may go from the index.</summary>
    private async Task<bool> SweepEntryAsync(DueEntry entry, DateTimeOffset now, Tally tally, CancellationToken cancellationToken)
    {
        switch (entry.Kind)
        {
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
            case DueKind.Outbox or DueKind.Expiry:
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
            foreach (var finisher in finishers) tally.Finished += await finisher.FinishAsync(new SweepDigests(now, tally.Digests), cancellationToken);
            foreach (var entry in tally.Digests) await index.DeleteAsync(entry, cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            LogFinishFailed(logger, error);
            tally.Failed++;
        }
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

    [LoggerMessage(LogLevel.Information, "Timer sweep: {Due} due, {Stale} stale, {Announced} outboxes announced, {Failed} failed, {Finished} digests made, {Expired} expired records deleted")]
    private static partial void LogSwept(ILogger logger, int due, int stale, int announced, int failed, int finished, int expired);

    [LoggerMessage(LogLevel.Warning, "Timer sweep: gathering what the firings recorded failed; the digest entries stay for the next sweep")]
    private static partial void LogFinishFailed(ILogger logger, Exception error);

    [LoggerMessage(LogLevel.Warning, "Timer sweep: entry {Kind} {Name} of {InstanceId} failed; it stays for the next sweep")]
    private static partial void LogEntryFailed(ILogger logger, string instanceId, DueKind kind, string name, Exception error);

    [LoggerMessage(LogLevel.Error, "Outbox of {InstanceId} still undelivered after {Announcements} announcements; see the poison queue")]
    private static partial void LogGaveUp(ILogger logger, string instanceId, int announcements);
}
