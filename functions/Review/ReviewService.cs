using Baocao.Catalog;
using Baocao.Hosting;
using Baocao.Submissions;
using Baocao.Workflow;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace Baocao.Review;

/// <summary>Where a link stands when it is opened.</summary>
public enum LinkStatus
{
    /// <summary>Not a link this app signed, or altered, or naming nothing that exists.</summary>
    Invalid,
    Expired,

    /// <summary>The recipient no longer decides in the stage (reassigned).</summary>
    NotAssigned,

    /// <summary>The unit sent a newer version; a fresh mail went out for it.</summary>
    Superseded,

    /// <summary>This link already decided.</summary>
    DecidedHere,

    /// <summary>Somebody else's decision moved the report on.</summary>
    DecidedElsewhere,

    /// <summary>The report has not reached this link's stage (an approval link while the review is still open).</summary>
    NotYet,
    Open,
}

/// <summary>A link as opened: everything a page or a decision needs, read once.</summary>
public sealed record OpenedLink(
    ReviewLink Link, Period Period, ReportTemplate Template, OrgUnit Unit, ReviewStage Stage, Reviewer Reviewer,
    IReadOnlyList<Reviewer> StagePeople, WorkflowView View, ReportFacts Facts);

/// <summary>What opening or using a link came to: its status, the link when it was readable, and the decision that stands.</summary>
public sealed record LinkCase(LinkStatus Status, ReviewLink? Link = null, OpenedLink? Opened = null, HistoryEvent? Decision = null,
    WorkflowInstance? Instance = null);

/// <summary>What a decision came to: the case of the link afterwards, and, when this very request decided, what happens next.</summary>
public sealed record DecisionResult(LinkCase Case, string? Next = null);

/// <summary>
/// Review by e-mail link: opening a link reads and never writes; a decision goes through the workflow, which commits
/// the new state, the history event, the link's single use and the next mail in one transaction, and only for the
/// exact state and event the reviewer saw.
/// </summary>
public sealed partial class ReviewService(
    ReviewTokens tokens,
    ReviewPeople people,
    ReviewMail mail,
    WorkflowEngine engine,
    CatalogService catalog,
    PeopleTime time,
    IOptions<ReviewOptions> options,
    ILogger<ReviewService> logger) : ISubmissionMail
{
    /// <summary>Racing decisions in an all-of stage may each need a fresh look; beyond this the page asks to try again.</summary>
    private const int MaxAttempts = 5;

    public async Task<LinkCase> OpenAsync(string token, CancellationToken cancellationToken) =>
        tokens.Read(token) is { } link ? await OpenAsync(link, cancellationToken) : new LinkCase(LinkStatus.Invalid);

    private async Task<LinkCase> OpenAsync(ReviewLink link, CancellationToken cancellationToken)
    {
        if (time.UtcNow >= link.Expires) return new LinkCase(LinkStatus.Expired, link);
        var view = await engine.GetAsync(link.InstanceId, cancellationToken);
        var period = view is null ? null : await catalog.GetPeriodAsync(view.Instance.PeriodId, cancellationToken);
        var stage = period?.Stages.FirstOrDefault(s => s.Code == link.Stage);
        var unit = view is null ? null : await catalog.GetUnitAsync(view.Instance.UnitCode, cancellationToken);
        var template = period is null ? null : await catalog.GetTemplateAsync(period.TemplateCode, period.TemplateVersion, cancellationToken);
        var version = view is null ? null : await engine.GetVersionAsync(link.InstanceId, link.Version, cancellationToken);
        if (view is null || period is null || stage is null || unit is null || template is null || version is null) return new LinkCase(LinkStatus.Invalid, link);
        var instance = view.Instance;

        if (await engine.OperationAsync(instance.Id, link.UseKey("", TimeSpan.Zero).Key, cancellationToken) is { } used)
        {
            // Decisions in one instant (an all-of stage's approval and a return) are told apart by who made them.
            var decision = view.History.LastOrDefault(e => e.At == used.At && e.InStage?.Decider?.Names(link.Recipient) == true)
                ?? view.History.LastOrDefault(e => e.At == used.At);
            return new LinkCase(LinkStatus.DecidedHere, link, Decision: decision, Instance: instance);
        }
        if (instance.Version != link.Version) return new LinkCase(LinkStatus.Superseded, link, Instance: instance);
        var deciding = ReviewStages.Deciding(period, instance);
        if (deciding is not null && deciding.Code != stage.Code && ReviewStages.Position(period, stage.Code) > ReviewStages.Position(period, deciding.Code))
        {
            return new LinkCase(LinkStatus.NotYet, link, Instance: instance);
        }
        if (deciding?.Code != stage.Code)
        {
            return new LinkCase(LinkStatus.DecidedElsewhere, link, Decision: view.History.LastOrDefault(e => e.From != e.To), Instance: instance);
        }
        var assignment = await people.OfAsync(stage, unit.Code, view.History, cancellationToken);
        if (assignment.For(link) is not { } reviewer) return new LinkCase(LinkStatus.NotAssigned, link, Instance: instance);
        var facts = await FactsAsync(period, template, unit, version, cancellationToken);
        return new LinkCase(LinkStatus.Open, link,
            new OpenedLink(link, period, template, unit, stage, reviewer, assignment.On(time.Today), view, facts), Instance: instance);
    }

    /// <summary>What a stored version says, with the version before it for the changes.</summary>
    private async Task<ReportFacts> FactsAsync(Period period, ReportTemplate template, OrgUnit unit, ReportVersion version, CancellationToken cancellationToken)
    {
        var instanceId = WorkflowEngine.InstanceId(period.Id, unit.Code);
        var previous = version.Number > 1 ? await engine.GetVersionAsync(instanceId, version.Number - 1, cancellationToken) : null;
        return new ReportFacts(period, template, unit, version.Number, version.ReceivedAt, version.Late, version.Receipt,
            VersionContent.Read(version), previous?.Number, previous is null ? null : VersionContent.Read(previous));
    }

    /// <summary>
    /// The mail a submission sends to the first stage's people, made for the version number the Submit turns out to
    /// create: figures, what changed since the version before, files and each reviewer's own link. Only a resubmission
    /// reads its previous version, and its history, where an admin's reassignment of the stage lives (a first submission
    /// cannot have one).
    /// </summary>
    public async Task<Func<int, IReadOnlyList<WorkItem>>> ForAsync(NewSubmission submission, CancellationToken cancellationToken)
    {
        var (period, template, unitCode, content, version, current) = submission;
        var unit = await catalog.GetUnitAsync(unitCode, cancellationToken) ?? throw new InvalidOperationException($"Unit {unitCode} is not in the catalogue.");
        var instanceId = WorkflowEngine.InstanceId(period.Id, unitCode);
        var previous = current is { Version: > 0 } ? await engine.GetVersionAsync(instanceId, current.Version, cancellationToken) : null;
        var stage = period.Stages[0];
        var history = current is { Version: > 0 } ? (await engine.GetAsync(instanceId, cancellationToken))?.History ?? [] : [];
        var reviewers = (await people.OfAsync(stage, unit.Code, history, cancellationToken)).On(time.Today);
        var receivedAt = time.UtcNow;
        return number => mail.Requests(instanceId, new ReportFacts(period, template, unit, number, receivedAt, version.Late, version.Receipt, content,
            previous?.Number, previous is null ? null : VersionContent.Read(previous)), stage, reviewers);
    }

    /// <summary>
    /// Decides from an open link. The result is either the decision made, or the case the link turned out to be in
    /// when somebody else got there first (or when this same link decided a moment ago).
    /// </summary>
    public async Task<DecisionResult> DecideAsync(OpenedLink first, ReviewDecision decision, DurableTaskClient workflow, CancellationToken cancellationToken)
    {
        var opened = first;
        for (var attempt = 1; ; attempt++)
        {
            var (trigger, work, next) = await ConsequencesAsync(opened, decision, cancellationToken);
            var instance = opened.View.Instance;
            var names = opened.Template.Indicators.ToDictionary(i => i.Code, i => i.Name);
            var result = await engine.FireAsync(instance.Id, new Firing(trigger, opened.Reviewer.Actor, WorkflowChannel.Link)
            {
                Comment = decision.Approve ? decision.Comment : decision.HistoryComment(names),
                ReasonCode = trigger == ReportTrigger.Note ? ReviewStages.PartialApproval : decision.Approve ? null : decision.ReasonCode,
                InStage = new StageFact(opened.Stage.Code, Decider: opened.Reviewer),
                Work = work, SeenState = instance.State, SeenSequence = instance.Sequence,
                Operation = opened.Link.UseKey(decision.Name, options.Value.LinkLifetime + TimeSpan.FromDays(1)),
            }, workflow, cancellationToken);
            if (result is FireResult.Applied applied)
            {
                LogDecided(logger, instance.Id, opened.Stage.Code, trigger, applied.Event.Sequence);
                return new DecisionResult(new LinkCase(LinkStatus.DecidedHere, opened.Link, opened, applied.Event, applied.Instance), next);
            }
            if (result is FireResult.Refused { Code: not (RefusalCodes.AlreadyDecided or RefusalCodes.Busy) } refused)
            {
                throw new InvalidOperationException($"Review decision on {instance.Id} refused: {refused.Code} {refused.Reason}");
            }
            // Someone else decided, or this link did a moment ago: look again at where the report stands now.
            var now = await OpenAsync(opened.Link, cancellationToken);
            if (now.Status != LinkStatus.Open || attempt >= MaxAttempts) return new DecisionResult(now);
            // The report moved on (in a one-stage period, this link's people decide the next step too):
            // the decision was for what the reviewer saw, so it is not carried over; they read the news and decide afresh.
            if (now.Opened!.View.Instance.State != instance.State || now.Opened.View.Instance.Stage != instance.Stage)
            {
                return new DecisionResult(now with { Status = LinkStatus.DecidedElsewhere, Decision = now.Opened.View.History.LastOrDefault(e => e.From != e.To) });
            }
            // Only notes came in between (another approval in an all-of stage): the decision still holds; try again.
            opened = now.Opened;
        }
    }

    /// <summary>What a decision fires, the mail it sends, and the sentence that says what happens next.</summary>
    private async Task<(ReportTrigger Trigger, IReadOnlyList<WorkItem> Work, string Next)> ConsequencesAsync(
        OpenedLink o, ReviewDecision decision, CancellationToken cancellationToken)
    {
        var instance = o.View.Instance;
        if (!decision.Approve)
        {
            return (ReportTrigger.Return, mail.Returned(instance.Id, o.Facts, o.Reviewer, decision),
                $"Báo cáo đã được trả lại cho {o.Unit.Name}. Đơn vị nhận nhận xét qua thư và sẽ nộp phiên bản mới; khi đó anh/chị sẽ nhận thư mới.");
        }
        if (o.Stage.Mode == StageMode.AllOf)
        {
            var approved = ReviewStages.ApprovedSoFar(o.View.History, instance.Version, o.Stage.Code);
            var waiting = o.StagePeople.Where(p => p.DecidesFor != o.Reviewer.DecidesFor && !approved.Contains(p.DecidesFor)).ToList();
            if (waiting.Count > 0)
            {
                return (ReportTrigger.Note, [],
                    $"Đã ghi nhận ý kiến đồng ý của anh/chị. Bước «{o.Stage.Name}» cần tất cả cùng duyệt; còn chờ: {string.Join(", ", waiting.Select(w => w.DisplayName))}.");
            }
        }
        if (instance.State == ReportState.AwaitingApproval)
        {
            return (ReportTrigger.Approve, mail.Receipt(instance.Id, o.Facts, o.Reviewer),
                $"Báo cáo của {o.Unit.Name} đã được phê duyệt. Đơn vị nhận biên nhận phê duyệt (phiên bản {o.Facts.Version} và mã băm nội dung) qua thư.");
        }
        var nextStage = ReviewStages.After(o.Period, instance)!;
        var nextPeople = (await people.OfAsync(nextStage, o.Unit.Code, o.View.History, cancellationToken)).On(time.Today);
        var forWhat = instance.LaterStages() > 1 ? "xem xét" : "phê duyệt";
        return (ReportTrigger.Approve, mail.Requests(instance.Id, o.Facts, nextStage, nextPeople),
            $"Báo cáo được chuyển sang bước «{nextStage.Name}»; {string.Join(", ", nextPeople.Select(p => p.DisplayName))} đã được gửi thư để {forWhat}.");
    }

    /// <summary>
    /// Moves the stage a report waits in to <paramref name="to"/>, in place of the assignee <paramref name="replaces"/>
    /// or of everybody. The note in history (which is where the report's assignment lives), and the new person's mail
    /// with a fresh link, commit together, for the exact event the admin saw; the old person's link then reads as no
    /// longer assigned. Refused when the report waits for no review decision, or the people named do not fit the stage.
    /// Only an admin reassigns, so the history names the admin.
    /// </summary>
    public async Task<Outcome<FireResult>> ReassignAsync(string instanceId, Contact to, string? replaces, string reason, DurableTaskClient workflow,
        CancellationToken cancellationToken)
    {
        var view = await engine.GetAsync(instanceId, cancellationToken);
        if (view is null) return new FireResult.NotFound(instanceId);
        var instance = view.Instance;
        var period = await catalog.GetPeriodAsync(instance.PeriodId, cancellationToken);
        var stage = period is null ? null : ReviewStages.Deciding(period, instance);
        if (period is null || stage is null)
        {
            return Problems.Conflict("not-in-review", $"Báo cáo đang ở trạng thái «{WorkflowDefinition.Name(instance.State)}», không chờ bước duyệt nào để giao lại.");
        }
        var assignment = await people.OfAsync(stage, instance.UnitCode, view.History, cancellationToken);
        var assigned = assignment.Assignees.Select(a => a.Person.Email).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (replaces is not null && !assigned.Contains(replaces))
        {
            return Problems.Validation([new FieldError("/from", "not-assigned", $"'{replaces}' không phải người đang được giao bước «{stage.Name}» ({string.Join(", ", assigned)}).")]);
        }
        if (assigned.Contains(to.Email) && (replaces is not null || assigned.Count == 1))
        {
            return Problems.Conflict("already-assigned", $"{to.Name} <{to.Email}> đã được giao bước «{stage.Name}» của báo cáo này.");
        }
        var unit = (await catalog.GetUnitAsync(instance.UnitCode, cancellationToken))!;
        var template = (await catalog.GetTemplateAsync(period.TemplateCode, period.TemplateVersion, cancellationToken))!;
        var version = (await engine.GetVersionAsync(instance.Id, instance.Version, cancellationToken))!;
        var facts = await FactsAsync(period, template, unit, version, cancellationToken);
        var before = replaces ?? string.Join(", ", assigned);
        var result = await engine.FireAsync(instance.Id, new Firing(ReportTrigger.Note, WorkflowApi.AdminActor, WorkflowChannel.Admin)
        {
            Comment = $"Giao bước «{stage.Name}» cho {to.Name} <{to.Email}> thay {before}. Lý do: {reason}", ReasonCode = ReviewStages.Reassigned,
            InStage = new StageFact(stage.Code, Reassigned: new Reassignment(replaces, to)),
            Work = mail.Requests(instance.Id, facts, stage, [new Reviewer(to)]), SeenState = instance.State, SeenSequence = instance.Sequence,
        }, workflow, cancellationToken);
        if (result is FireResult.Applied applied) LogReassigned(logger, instance.Id, stage.Code, applied.Event.Sequence);
        return result;
    }

    [LoggerMessage(LogLevel.Information, "Workflow {InstanceId}: stage {Stage} reassigned by an admin (event {Sequence})")]
    private static partial void LogReassigned(ILogger logger, string instanceId, string stage, int sequence);

    [LoggerMessage(LogLevel.Information, "Workflow {InstanceId}: decided by link in stage {Stage}: {Trigger} (event {Sequence})")]
    private static partial void LogDecided(ILogger logger, string instanceId, string stage, ReportTrigger trigger, int sequence);
}
