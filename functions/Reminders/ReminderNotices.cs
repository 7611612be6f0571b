using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Baocao.Catalog;
using Baocao.Review;
using Baocao.Hosting;
using Baocao.Storage;
using Baocao.Workflow;

namespace Baocao.Reminders;

/// <summary>
/// The work item a reminder's firing commits with its note: what is due, for which report, and for whom (an audience
/// of the unit, or a stage's people). People are looked up when it is delivered, so a contact changed since the
/// period opened is the one reminded.
/// </summary>
public sealed record NoticeWork(string InstanceId, string PeriodId, string UnitCode, string Template, ReminderAudience? Audience, string? Stage,
    DateTimeOffset? Deadline, DateTimeOffset? Since)
{
    public const string Kind = "reminder-notice";

    public WorkItem ToWorkItem() => new(Kind, JsonSerializer.SerializeToElement(this, JsonSerializerOptions.Web));
}

/// <summary>One due item for one recipient, waiting in the digest partition for the sweep to put it in that recipient's mail.</summary>
public sealed record Notice(string Email, string Name, string Template, string InstanceId, string PeriodId, string PeriodName, string UnitCode, string UnitName,
    DateTimeOffset? Deadline, DateTimeOffset? Since, string? StageName, bool ForUnit, DateTimeOffset At)
{
    public string RowKey { get; init; } = "";

    public ETag ETag { get; init; }
}

/// <summary>
/// The <c>digest</c> partition of the <c>workflow</c> table: notices (<c>n{recipient}|{instance}|{outbox id}</c>) and the
/// digest mails made of them, as outbox rows named <c>o{sweep minute}-{recipient}-{part}</c>. A digest commits with the
/// deletion of its notices, each under its ETag, in one transaction; the row's name is the idempotency key per
/// recipient and sweep window, so two sweepers (or a sweep run again after a crash) make it once.
/// </summary>
public sealed class DigestStore(TableServiceClient service)
{
    public const string Partition = "digest";
    private const string NoticePrefix = "n";

    /// <summary>Notices per digest mail: with the outbox row, within Table Storage's 100 actions per transaction.</summary>
    public const int MaxNoticesPerMail = 90;

    private readonly TableClient _table = service.Table(StorageNames.WorkflowTable);

    public static string RecipientKey(string email) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email.Trim().ToLowerInvariant())))[..16];

    /// <summary>Adds notices; one delivered twice lands on its own row again, so it is never listed twice.</summary>
    public async Task AddAsync(IReadOnlyList<Notice> notices, string sourceId, CancellationToken cancellationToken)
    {
        foreach (var batch in notices.Chunk(MaxNoticesPerMail))
        {
            await _table.SubmitTransactionAsync(batch.Select(n => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity(Partition, $"{NoticePrefix}{RecipientKey(n.Email)}|{n.InstanceId}|{sourceId}")
                {
                    ["Email"] = n.Email,
                    ["Name"] = n.Name,
                    ["Template"] = n.Template,
                    ["InstanceId"] = n.InstanceId,
                    ["PeriodId"] = n.PeriodId,
                    ["PeriodName"] = n.PeriodName,
                    ["UnitCode"] = n.UnitCode,
                    ["UnitName"] = n.UnitName,
                    ["Deadline"] = n.Deadline,
                    ["Since"] = n.Since,
                    ["StageName"] = n.StageName,
                    ["ForUnit"] = n.ForUnit,
                    ["At"] = n.At,
                })), cancellationToken);
        }
    }

    /// <summary>The notices waiting, ordered by recipient (the row key starts with the recipient).</summary>
    public async Task<IReadOnlyList<Notice>> WaitingAsync(CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey ge {NoticePrefix} and RowKey lt {NoticePrefix + '\uffff'}");
        var notices = new List<Notice>();
        await foreach (var t in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            notices.Add(new Notice(t.GetString("Email"), t.GetString("Name"), t.GetString("Template"), t.GetString("InstanceId"), t.GetString("PeriodId"),
                t.GetString("PeriodName"), t.GetString("UnitCode"), t.GetString("UnitName"), t.GetDateTimeOffset("Deadline"), t.GetDateTimeOffset("Since"),
                t.GetString("StageName"), t.GetBoolean("ForUnit") ?? false, t.GetDateTimeOffset("At")!.Value) { RowKey = t.RowKey, ETag = t.ETag });
        }
        return notices;
    }

    /// <summary>Commits one digest mail and removes its notices; false when another sweep already did (or took some of them).</summary>
    public async Task<bool> TryCommitAsync(string name, DateTimeOffset at, WorkItem mail, IReadOnlyList<Notice> notices, CancellationToken cancellationToken)
    {
        try
        {
            await _table.SubmitTransactionAsync(
                [
                    new(TableTransactionActionType.Add, WorkflowStore.OutboxRow(Partition, name, 0, at, mail)),
                    .. notices.Select(n => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(Partition, n.RowKey), n.ETag)),
                ], cancellationToken);
            return true;
        }
        catch (RequestFailedException error) when (error.Status is StatusCodes.Status409Conflict or StatusCodes.Status412PreconditionFailed or StatusCodes.Status404NotFound)
        {
            return false;
        }
    }
}

/// <summary>
/// Delivers a reminder's notice: finds its people (the unit's reporting officer or head, the province reviewer, a
/// stage's assignees as this report's reassignments left them) and files one notice per person in the digest
/// partition, then asks the sweep to gather them.
/// </summary>
public sealed partial class NoticeReceiver(CatalogService catalog, ReviewPeople reviewers, WorkflowStore workflow, DigestStore digests, TimerIndex index,
    PeopleTime time, ILogger<NoticeReceiver> logger)
    : IWorkReceiver
{
    public string Kind => NoticeWork.Kind;

    /// <summary>
    /// Whom a stage's reminder about a report goes to today: its named people and post holders, or their acting
    /// officers, then whoever an admin reassigned the stage of this report to.
    /// </summary>
    private async Task<IReadOnlyList<Contact>> StagePeopleAsync(ReviewStage stage, NoticeWork work, CancellationToken cancellationToken) =>
        (await reviewers.OfAsync(stage, work.UnitCode, await workflow.HistoryAsync(work.InstanceId, cancellationToken), cancellationToken))
        .On(time.Today).Select(r => r.Person).ToList();

    public async Task DeliverAsync(WorkDelivery delivery, CancellationToken cancellationToken)
    {
        var (partition, item) = (delivery.Partition, delivery.Item);
        var work = item.Payload.Deserialize<NoticeWork>(JsonSerializerOptions.Web)!;
        var period = await catalog.GetPeriodAsync(work.PeriodId, cancellationToken);
        var unit = await catalog.GetUnitAsync(work.UnitCode, cancellationToken);
        if (period is null || unit is null)
        {
            LogNobody(logger, partition, item.Id);
            return;
        }
        var stage = work.Stage is null ? null : period.Stages.FirstOrDefault(s => s.Code == work.Stage);
        IReadOnlyList<Contact> people = stage is not null ? await StagePeopleAsync(stage, work, cancellationToken)
            : work.Audience switch
            {
                ReminderAudience.UnitReportingOfficer => unit.ReportingOfficer is { } officer ? [officer] : [],
                ReminderAudience.UnitHead => unit.Head is { } head ? [head] : unit.ReportingOfficer is { } officer ? [officer] : [],
                _ => await StagePeopleAsync(period.Stages[0], work, cancellationToken),
            };
        var forUnit = stage is null && work.Audience is ReminderAudience.UnitReportingOfficer or ReminderAudience.UnitHead;
        var notices = people.DistinctBy(p => p.Email.ToLowerInvariant())
            .Select(p => new Notice(p.Email, p.Name, work.Template, work.InstanceId, period.Id, period.Name, unit.Code, unit.Name, work.Deadline, work.Since,
                stage?.Name, forUnit, item.CreatedAt))
            .ToList();
        if (notices.Count == 0)
        {
            LogNobody(logger, partition, item.Id);
            return;
        }
        await digests.AddAsync(notices, item.Id, cancellationToken);
        await index.PutAsync(new DueEntry(DigestStore.Partition, DigestStore.Partition, DueKind.Digest, time.UtcNow), cancellationToken);
    }

    [LoggerMessage(LogLevel.Warning, "Workflow {InstanceId}: reminder {OutboxId} has nobody to go to (no contact in the catalogue)")]
    private static partial void LogNobody(ILogger logger, string instanceId, string outboxId);
}
