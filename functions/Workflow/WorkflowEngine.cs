using Baocao.Catalog;
using Baocao.Hosting;
using Microsoft.DurableTask.Client;

namespace Baocao.Workflow;

/// <summary>
/// Decides for report instances by <see cref="WorkflowDefinition"/>: reads an instance, decides, and commits state,
/// history, timers and outgoing work in one transaction, so every answer (a receipt, "already decided by X") is exact
/// and in the caller's own response. What happens later is not decided here: the report's
/// <see cref="ReportOrchestration"/> waits for its timers, and the outbox's dispatcher delivers the work.
/// </summary>
public sealed partial class WorkflowEngine(
    WorkflowStore store, WorkflowDefinitions definitions, OutboxQueue outbox, IEnumerable<ITimerPolicy> policies, PeopleTime time,
    BaocaoMetrics metrics,
    ILogger<WorkflowEngine> logger)
{
    /// <summary>Keeps a transition's batch (instance, event, items) far below Table Storage's 100 actions.</summary>
    public const int MaxWorkItems = 20;

    /// <summary>Each lost race means another decision committed; after this many, give up rather than spin.</summary>
    private const int MaxAttempts = 10;

    public static string InstanceId(string periodId, string unitCode) => $"{CatalogText.NormalizeCode(periodId)}~{CatalogText.NormalizeCode(unitCode)}";

    /// <summary>
    /// Creates the instance of a period × unit in <see cref="ReportState.NotStarted"/> under the newest workflow
    /// definition, with its first timers (the deadline) and the review <paramref name="positions"/> its period's stages
    /// give it; if it exists, returns it unchanged.
    /// </summary>
    public async Task<WorkflowInstance> StartAsync(string periodId, string unitCode, CancellationToken cancellationToken, IReadOnlyList<DurableTimer>? timers = null,
        int positions = WorkflowDefinition.ClassicPositions)
    {
        var (period, unit) = (CatalogText.NormalizeCode(periodId), CatalogText.NormalizeCode(unitCode));
        if (!CatalogText.IsCode(period) || !CatalogText.IsCode(unit))
        {
            throw new ArgumentException($"Period and unit must be codes ({CatalogText.CodeRule}): '{periodId}', '{unitCode}'.");
        }
        var now = time.UtcNow;
        var instance = new WorkflowInstance(InstanceId(period, unit), period, unit, ReportState.NotStarted, definitions.Current.DefinitionVersion,
            Version: 0, Sequence: 0, Overdue: false, Late: false, now, now, StageCount: positions);
        if (await store.TryAddAsync(instance, cancellationToken, timers))
        {
            LogStarted(logger, instance.Id, instance.DefinitionVersion);
            return instance;
        }
        return (await store.GetAsync(instance.Id, cancellationToken))!.Instance;
    }

    /// <summary>
    /// Fires a trigger. A lost race re-reads and decides again; if the decision no longer applies (for the state or the
    /// event its maker saw, see <see cref="Firing"/>), the refusal names who decided. <paramref name="workflow"/> is the
    /// calling function's durable client, through which the decision tells the report's orchestration; null only for
    /// the report's own orchestration, which looks again after every firing of its own.
    /// </summary>
    public Task<FireResult> FireAsync(string instanceId, Firing firing, DurableTaskClient? workflow, CancellationToken cancellationToken) =>
        TransitionAsync(instanceId, firing, _ => firing.Work, version: null, firstRead: null, workflow, cancellationToken);

    /// <summary>
    /// Submits a new version of the report: the version, its history event, its work and the caller's operation key
    /// commit together. A key already used returns <see cref="FireResult.Repeated"/> and writes nothing, so a client
    /// retrying after a timeout never makes two versions, even when the retries race each other. The work is made for
    /// the version number the Submit turns out to create (the reviewers' mail names it and its links are bound to it).
    /// </summary>
    /// <remarks>
    /// <paramref name="seen"/> is the row a <see cref="PreviewAsync"/> read: the first attempt commits against it, so a
    /// submission costs one read; if anything changed since, the ETag refuses the batch and the instance is read again.
    /// </remarks>
    public Task<FireResult> SubmitAsync(string instanceId, Firing submit, NewVersion version, Func<int, IReadOnlyList<WorkItem>>? work, InstanceRow? seen,
        DurableTaskClient workflow, CancellationToken cancellationToken) =>
        TransitionAsync(instanceId, submit, work ?? (_ => []), version, seen, workflow, cancellationToken);

    private async Task<FireResult> TransitionAsync(
        string instanceId, Firing firing, Func<int, IReadOnlyList<WorkItem>> workFor, NewVersion? version, InstanceRow? firstRead,
        DurableTaskClient? workflow, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(firing.Actor);
        var proposal = firing.Proposal;
        var trigger = proposal.Trigger;
        for (var attempt = 1; ; attempt++)
        {
            var read = attempt == 1 && firstRead is not null ? firstRead : await ReadAsync(instanceId, firing.Operation?.Key, cancellationToken);
            if (read is null) return new FireResult.NotFound(instanceId);
            if (await RepeatedOrStaleAsync(read, firing, attempt, cancellationToken) is { } answered) return answered;
            var current = read.Instance;
            var verdict = definitions.Decide(current, proposal);
            if (!verdict.Allowed)
            {
                return Refuse(instanceId, trigger, attempt == 1
                    ? new FireResult.Refused(verdict.RefusalCode!, verdict.Refusal!)
                    : await OvertakenAsync(current, trigger, cancellationToken));
            }
            if (attempt > MaxAttempts)
            {
                var latest = (await OvertakenAsync(current, trigger, cancellationToken)).DecidedBy;
                return Refuse(instanceId, trigger, new FireResult.Refused(RefusalCodes.Busy, "Báo cáo đang được nhiều người xử lý cùng lúc; hãy tải lại rồi thử lại.", latest));
            }

            var number = trigger == ReportTrigger.Submit ? current.Version + 1 : current.Version;
            var (next, e) = Step(read, firing, proposal, verdict.To, number, version);
            var work = workFor(number);
            if (work.Count > MaxWorkItems)
            {
                return Refuse(instanceId, trigger, new FireResult.Refused(RefusalCodes.TooMuchWork, $"Một bước chuyển chỉ mang tối đa {MaxWorkItems} việc đi kèm (nhận {work.Count})."));
            }
            // The firing's own timers: those it sets, and the one that fired, removed under the ETag it fired with.
            var commit = new TransitionCommit(read, next, e, work, firing.Timers, firing.Timer is { } fired ? [fired] : [], version, firing.Operation);
            if (await CommitAsync(commit, workflow, cancellationToken))
            {
                LogApplied(logger, instanceId, trigger, e.From, e.To, e.Sequence, work.Count);
                metrics.Transition(trigger.ToString(), e.To.Code());
                return new FireResult.Applied(next, e);
            }
            LogLostRace(logger, instanceId, trigger, attempt);
        }
    }

    /// <summary>
    /// The answer a firing gets before anything is decided, or null to decide: the version an operation key already made,
    /// or a refusal when the timer that fired was handled meanwhile or the report is no longer as its maker saw it.
    /// </summary>
    private async Task<FireResult?> RepeatedOrStaleAsync(InstanceRow read, Firing firing, int attempt, CancellationToken cancellationToken)
    {
        var (current, trigger) = (read.Instance, firing.Trigger);
        if (read.Operation is { } used && used.At + firing.Operation!.KeptFor > time.UtcNow)
        {
            LogRepeated(logger, current.Id, trigger, used.Version);
            return new FireResult.Repeated(current, used.Version, used.RequestHash == firing.Operation.RequestHash);
        }
        if (attempt > 1 && firing.Timer is { } timer && !await TimerStandsAsync(timer, cancellationToken))
        {
            return Refuse(current.Id, trigger, new FireResult.Refused(RefusalCodes.TimerGone, "Hẹn giờ này đã được xử lý."));
        }
        if ((firing.SeenState is { } state && current.State != state) || (firing.SeenSequence is { } sequence && current.Sequence != sequence))
        {
            return Refuse(current.Id, trigger, await OvertakenAsync(current, trigger, cancellationToken));
        }
        return null;
    }

    /// <summary>The event a decision records, chained to the instance's last one, and the instance it leaves.</summary>
    private (WorkflowInstance Next, HistoryEvent Event) Step(InstanceRow read, Firing firing, Proposal proposal, ReportState to, int number, NewVersion? version)
    {
        var current = read.Instance;
        var at = HistoryChain.Storable(time.UtcNow);
        var unsigned = new HistoryEvent(current.Sequence + 1, proposal.Trigger, firing.Actor.Trim(), proposal.Channel, at, number,
            proposal.Comment, proposal.ReasonCode, current.State, to, Hash: "", firing.InStage);
        var e = unsigned with { Hash = HistoryChain.Hash(read.LastHash, unsigned) };
        var next = WorkflowDefinition.Apply(
            current with
            {
                State = to, Version = number, Sequence = e.Sequence, UpdatedAt = at, Late = version?.Late ?? current.Late,
                Deadline = proposal.Deadline ?? current.Deadline,
            }, proposal.Trigger, current.State);
        return (next, e);
    }

    /// <summary>
    /// What the workflow would decide now, without deciding, and the row it read (with the operation key's record when
    /// one is named), null when the instance does not exist yet: an instance not started is NotStarted.
    /// </summary>
    public async Task<Preview> PreviewAsync(string instanceId, Proposal proposal, string? operationKey, CancellationToken cancellationToken)
    {
        var read = await ReadAsync(instanceId, operationKey, cancellationToken);
        return new Preview(read is null ? definitions.Current.Decide(ReportState.NotStarted, proposal) : definitions.Decide(read.Instance, proposal), read);
    }

    private Task<InstanceRow?> ReadAsync(string instanceId, string? operationKey, CancellationToken cancellationToken) =>
        operationKey is null ? store.GetAsync(instanceId, cancellationToken) : store.GetAsync(instanceId, operationKey, cancellationToken);

    /// <summary>The record of a single-use operation key on an instance (who used an e-mail link, when, for what), or null.</summary>
    public async Task<OperationRecord?> OperationAsync(string instanceId, string key, CancellationToken cancellationToken) =>
        (await store.GetAsync(instanceId, key, cancellationToken))?.Operation;

    /// <summary>Every version of the report, oldest first.</summary>
    public Task<IReadOnlyList<ReportVersion>> VersionsAsync(string instanceId, CancellationToken cancellationToken) =>
        store.VersionsAsync(instanceId, cancellationToken);

    /// <summary>Every instance of a period with its versions, in one range query; bodies only <paramref name="withContent"/>.</summary>
    public Task<IReadOnlyList<PeriodInstance>> PeriodInstancesAsync(string periodId, bool withContent, CancellationToken cancellationToken) =>
        store.PeriodInstancesAsync(CatalogText.NormalizeCode(periodId), withContent, cancellationToken);

    public Task<ReportVersion?> GetVersionAsync(string instanceId, int number, CancellationToken cancellationToken) =>
        store.GetVersionAsync(instanceId, number, cancellationToken);

    /// <summary>
    /// Commits a transition with what it causes: a report that finishes cancels its timers (its orchestration, looking
    /// again, finds it finished and tells the period); otherwise the timer policies the transition concerns say which
    /// timers move. A change of timers (beyond the removal of the one that fired) tells the report's orchestration
    /// before the commit, naming the event it waits to see. The outbox's index entry is written ahead; the outbox is
    /// announced once the transaction stands.
    /// </summary>
    private async Task<bool> CommitAsync(TransitionCommit transition, DurableTaskClient? workflow, CancellationToken cancellationToken)
    {
        var (next, e) = (transition.Next, transition.Event);
        var finishing = e.From != e.To && WorkflowDefinition.Finished.Contains(e.To);
        var commit = finishing
            ? transition with { RemoveTimers = await store.TimersAsync(next.Id, cancellationToken) }
            : await WithPoliciesAsync(transition, cancellationToken);
        if (workflow is not null && (finishing || commit.SetTimers.Count > 0 || commit.RemoveTimers.Count > transition.RemoveTimers.Count))
        {
            await ReportSignals.LookAgainAsync(workflow, next.Id, new ReportChange(e.Trigger.ToString(), e.Sequence), cancellationToken);
        }
        if (commit.Work.Count > 0) await outbox.PrepareAsync(next.Id, e.At, cancellationToken);
        if (!await store.TryCommitAsync(commit, cancellationToken)) return false;
        if (commit.Work.Count > 0) await outbox.AnnounceAsync(next.Id, cancellationToken);
        return true;
    }

    /// <summary>
    /// The transition's own timers with what the policies it concerns say. A timer set again is replaced rather than
    /// removed (one action per row in a batch); the one that fired stays removed under its own ETag.
    /// </summary>
    private async Task<TransitionCommit> WithPoliciesAsync(TransitionCommit transition, CancellationToken cancellationToken)
    {
        var (next, e) = (transition.Next, transition.Event);
        var concerned = policies.Where(p => p.Concerns(e)).ToList();
        if (concerned.Count == 0) return transition;
        var current = await store.TimersAsync(next.Id, cancellationToken);
        var changes = new List<TimerChange>();
        foreach (var policy in concerned) changes.Add(await policy.ChangeAsync(next, e, current, cancellationToken));
        var set = transition.SetTimers.Concat(changes.SelectMany(c => c.Set)).GroupBy(t => t.Name).Select(g => g.Last()).ToList();
        var setNames = set.Select(t => t.Name).ToHashSet();
        var fired = transition.RemoveTimers;
        var remove = changes.SelectMany(c => c.Remove).Where(t => fired.All(f => f.Timer.Name != t.Timer.Name))
            .Concat(fired)
            .Where(t => !setNames.Contains(t.Timer.Name))
            .DistinctBy(t => t.Timer.Name)
            .ToList();
        return transition with { SetTimers = set, RemoveTimers = remove };
    }

    private async Task<bool> TimerStandsAsync(StoredTimer firing, CancellationToken cancellationToken) =>
        await store.GetTimerAsync(firing.InstanceId, firing.Timer.Name, cancellationToken) is { } stored && stored.ETag == firing.ETag;

    /// <summary>The instances of a period, read as a range of partition keys.</summary>
    public Task<IReadOnlyList<WorkflowInstance>> ListAsync(string periodId, CancellationToken cancellationToken) =>
        store.PeriodInstancesAsync(CatalogText.NormalizeCode(periodId), cancellationToken);

    /// <summary>The instance with its whole history, or null.</summary>
    public async Task<WorkflowView?> GetAsync(string instanceId, CancellationToken cancellationToken) =>
        await store.GetAsync(instanceId, cancellationToken) is { } read
            ? new WorkflowView(read.Instance, await store.HistoryAsync(instanceId, cancellationToken))
            : null;

    /// <summary>The timers the instance still holds, as its orchestration will fire them.</summary>
    public async Task<IReadOnlyList<DurableTimer>> TimersAsync(string instanceId, CancellationToken cancellationToken) =>
        (await store.TimersAsync(instanceId, cancellationToken)).Select(t => t.Timer).ToList();

    /// <summary>Recomputes the hash chain of an instance's history from the stored fields.</summary>
    public async Task<HistoryCheck> VerifyHistoryAsync(string instanceId, CancellationToken cancellationToken)
    {
        var history = await store.HistoryAsync(instanceId, cancellationToken);
        var broken = HistoryChain.FirstBroken(history);
        if (broken is { } sequence) LogBrokenChain(logger, instanceId, sequence);
        return new HistoryCheck(history.Count, broken);
    }

    /// <summary>Work items committed with transitions and not yet delivered (a dispatcher removes them once delivered).</summary>
    public Task<IReadOnlyList<OutboxItem>> PendingWorkAsync(string instanceId, CancellationToken cancellationToken) =>
        store.OutboxAsync(instanceId, cancellationToken);

    /// <summary>The refusal for a decision another one got to first: who made that one, and when.</summary>
    private async Task<FireResult.Refused> OvertakenAsync(WorkflowInstance current, ReportTrigger trigger, CancellationToken cancellationToken)
    {
        var latest = await store.GetEventAsync(current.Id, current.Sequence, cancellationToken);
        if (latest is null)
        {
            return new FireResult.Refused(RefusalCodes.NotPermitted, $"Không thể {WorkflowDefinition.Verb(trigger)} khi báo cáo đang ở trạng thái «{WorkflowDefinition.Name(current.State)}».");
        }
        var when = time.Describe(latest.At);
        return new FireResult.Refused(RefusalCodes.AlreadyDecided,
            $"{latest.Actor} đã {WorkflowDefinition.Verb(latest.Trigger)} báo cáo lúc {when}; báo cáo nay ở trạng thái «{WorkflowDefinition.Name(current.State)}» nên không thể {WorkflowDefinition.Verb(trigger)} nữa.",
            new DecidedBy(latest.Actor, latest.At, latest.Trigger, current.State));
    }

    private FireResult.Refused Refuse(string instanceId, ReportTrigger trigger, FireResult.Refused refusal)
    {
        LogRefused(logger, instanceId, trigger, refusal.Code);
        return refusal;
    }

    [LoggerMessage(LogLevel.Information, "Workflow {InstanceId} started under definition v{DefinitionVersion}")]
    private static partial void LogStarted(ILogger logger, string instanceId, int definitionVersion);

    [LoggerMessage(LogLevel.Information, "Workflow {InstanceId}: {Trigger} moved {From} → {To} (event {Sequence}, {WorkItems} work items)")]
    private static partial void LogApplied(ILogger logger, string instanceId, ReportTrigger trigger, ReportState from, ReportState to, int sequence, int workItems);

    [LoggerMessage(LogLevel.Information, "Workflow {InstanceId}: {Trigger} refused ({Code})")]
    private static partial void LogRefused(ILogger logger, string instanceId, ReportTrigger trigger, string code);

    [LoggerMessage(LogLevel.Information, "Workflow {InstanceId}: {Trigger} repeats an operation key already used for version {Version}; nothing written")]
    private static partial void LogRepeated(ILogger logger, string instanceId, ReportTrigger trigger, int version);

    [LoggerMessage(LogLevel.Debug, "Workflow {InstanceId}: {Trigger} lost a race (attempt {Attempt}); deciding again")]
    private static partial void LogLostRace(ILogger logger, string instanceId, ReportTrigger trigger, int attempt);

    [LoggerMessage(LogLevel.Warning, "Workflow {InstanceId}: history chain broken at event {Sequence}")]
    private static partial void LogBrokenChain(ILogger logger, string instanceId, int sequence);
}
