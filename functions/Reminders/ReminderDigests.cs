using Baocao.Hosting;
using Baocao.Mail;
using Baocao.Workflow;
using Microsoft.Extensions.Options;

namespace Baocao.Reminders;

public sealed record DigestItemModel(string UnitName, string PeriodName, string? Deadline, string? Since, string? StageName, string Link);

public sealed record DigestSectionModel(string Title, IReadOnlyList<DigestItemModel> Items);

public sealed record DigestMailModel(string RecipientName, int Count, IReadOnlyList<DigestSectionModel> Sections);

/// <summary>
/// The end of a sweep that found notices waiting: report orchestrations fire reminders, whose notices the outbox
/// delivers into the digest partition with a digest entry in the timer index; the next sweep gathers every notice
/// waiting into one mail per recipient. Outside working hours (a notice delivered late, a sweep catching up after a
/// night of downtime) the notices wait, and a digest entry at the next working hour gathers them then.
/// </summary>
public sealed partial class ReminderDigests(DigestStore digests, OutboxQueue outbox, ReminderMail mail, WorkingHours hours,
    TimerIndex index, ILogger<ReminderDigests> logger)
    : ISweepFinisher
{
    public async Task<int> FinishAsync(SweepDigests due, CancellationToken cancellationToken)
    {
        if (due.Entries.Count == 0) return 0;
        if (!hours.IsOpen(due.Now))
        {
            var opening = hours.Next(due.Now);
            await index.PutAsync(new DueEntry(DigestStore.Partition, DigestStore.Partition, DueKind.Digest, opening), cancellationToken);
            LogWaiting(logger, opening);
            return 0;
        }
        var waiting = await digests.WaitingAsync(cancellationToken);
        if (waiting.Count == 0) return 0;
        var window = TimerIndex.Bucket(due.Now);
        await outbox.PrepareAsync(DigestStore.Partition, due.Now, cancellationToken);
        var made = 0;
        foreach (var recipient in waiting.GroupBy(n => n.Email.ToLowerInvariant()))
        {
            var parts = recipient.Chunk(DigestStore.MaxNoticesPerMail).ToList();
            for (var part = 0; part < parts.Count; part++)
            {
                var name = $"{window}-{DigestStore.RecipientKey(recipient.Key)}-{part}";
                if (await digests.TryCommitAsync(name, due.Now, mail.Digest(parts[part]), parts[part], cancellationToken)) made++;
            }
        }
        if (made > 0) await outbox.AnnounceAsync(DigestStore.Partition, cancellationToken);
        LogGathered(logger, waiting.Count, made, window);
        return made;
    }

    [LoggerMessage(LogLevel.Information, "Reminders: {Notices} notices gathered into {Mails} digest mails (window {Window})")]
    private static partial void LogGathered(ILogger logger, int notices, int mails, string window);

    [LoggerMessage(LogLevel.Information, "Reminders: outside working hours; the notices wait for {Opening:o}")]
    private static partial void LogWaiting(ILogger logger, DateTimeOffset opening);
}

/// <summary>The digest mail: one per recipient, every item due for them, grouped by what is asked of them.</summary>
public sealed class ReminderMail(PeopleTime time, IOptions<BaocaoOptions> options)
{
    public const string Category = "reminder-digest";

    private static readonly string[] Order = [ReminderText.Escalation, ReminderText.Due, ReminderText.Before, ReminderText.ReviewEscalation, ReminderText.ReviewWaiting];

    public WorkItem Digest(IReadOnlyList<Notice> notices)
    {
        var root = options.Value.PublicBaseUrl.TrimEnd('/');
        var sections = notices.GroupBy(n => n.Template)
            .OrderBy(g => Array.IndexOf(Order, g.Key))
            .Select(g => new DigestSectionModel(Title(g.Key), g.OrderBy(n => n.Deadline ?? n.Since).ThenBy(n => n.UnitName, StringComparer.Ordinal)
                .Select(n => new DigestItemModel(n.UnitName, n.PeriodName, n.Deadline is { } d ? time.Describe(d) : null,
                    n.Since is { } s ? time.Describe(s) : null, n.StageName,
                    n.ForUnit ? root + Submissions.Form.ReportFormPage.Path : $"{root}/api/dashboard/{Uri.EscapeDataString(n.PeriodId)}/units/{Uri.EscapeDataString(n.UnitCode)}"))
                .ToList()))
            .ToList();
        var model = new DigestMailModel(notices[0].Name, notices.Count, sections);
        return MailWork.From([notices[0].Email], "Reminders/digest", model, Category).ToWorkItem();
    }

    private static string Title(string template) => template switch
    {
        ReminderText.Before => "Sắp đến hạn nộp báo cáo",
        ReminderText.Due => "Đến hạn nộp báo cáo",
        ReminderText.Escalation => "Quá hạn nộp mà đơn vị chưa nộp báo cáo",
        ReminderText.ReviewWaiting => "Báo cáo chờ anh/chị xử lý quá thời hạn",
        ReminderText.ReviewEscalation => "Báo cáo chờ thẩm định quá thời hạn (báo lãnh đạo)",
        _ => "Việc cần xử lý",
    };
}
