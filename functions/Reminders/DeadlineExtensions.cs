using Baocao.Catalog;
using Baocao.Hosting;
using Baocao.Workflow;
using Microsoft.DurableTask.Client;

namespace Baocao.Reminders;

/// <summary>What a unit asks for: a later deadline (gia hạn) or leave to submit late (nộp muộn), until when, and why.</summary>
public sealed record ExtensionRequest(string? Until = null, string? Reason = null, string? Kind = null);

/// <summary>An admin's grant: the unit's new deadline (Asia/Ho_Chi_Minh unless it carries an offset) and the reason.</summary>
public sealed record ExtensionGrant(string? Deadline = null, string? Reason = null);

/// <summary>An admin's refusal of the unit's pending request, with the reason the unit reads.</summary>
public sealed record ExtensionRefusal(string? Reason = null);

/// <summary>A unit's request once checked: what it asks for (in words), until when, the deadline it is held to now, and why.</summary>
public sealed record AskedExtension(string What, DateTimeOffset Until, DateTimeOffset Deadline, string Reason);

/// <summary>A request as filed: the history event that records it.</summary>
public sealed record FiledRequest(string InstanceId, int Sequence, string Kind, DateTimeOffset Until, string Reason);

/// <summary>
/// Extensions (gia hạn) per unit. A unit files a request over the API; it lands in the report's history as a note. An
/// admin grants (the Extend event: the unit's own deadline, reminders and deadline timer re-planned from it, overdue
/// cleared) or refuses (a note). Every step is an event in the report's history, so the record shows who asked, who
/// decided, when and why, and each commits with its mail: the request to the unit's reviewers, the decision to the unit.
/// </summary>
public sealed class DeadlineExtensions(WorkflowEngine engine, CatalogService catalog, ExtensionMail mail, PeopleTime time)
{
    public const string Requested = "extension-requested";
    public const string LateRequested = "late-submission-requested";
    public const string Granted = "extension-granted";
    public const string Refused = "extension-refused";

    private static readonly IReadOnlyDictionary<string, string> Kinds = new Dictionary<string, string>
    {
        ["extension"] = Requested,
        ["late-submission"] = LateRequested,
    };

    /// <summary>The request still waiting for an admin: the newest request with no grant or refusal after it.</summary>
    public static HistoryEvent? Pending(IReadOnlyList<HistoryEvent> history) =>
        history.LastOrDefault(e => e.ReasonCode is Requested or LateRequested or Granted or Refused) is { ReasonCode: Requested or LateRequested } pending
            ? pending : null;

    public async Task<Outcome<FiledRequest>> RequestAsync(string periodId, string unitCode, ExtensionRequest request, DurableTaskClient workflow, CancellationToken cancellationToken)
    {
        var found = await ReportAsync(WorkflowEngine.InstanceId(periodId, unitCode), cancellationToken);
        if (found.Problem is { } missing) return missing;
        var (view, period, deadline) = found.Value;
        var errors = new ValidationErrors();
        var kind = request.Kind ?? "extension";
        if (!Kinds.TryGetValue(kind, out var code)) errors.Add("/kind", "invalid-kind", $"Loại đề nghị '{kind}' không có; chọn extension (gia hạn) hoặc late-submission (nộp muộn).");
        var until = Until(request.Until, "/until", deadline, errors);
        var reason = Reason(request.Reason, errors);
        if (errors.Any) return errors.ToProblem();
        if (!WorkflowDefinition.NotSubmitted.Contains(view.Instance.State)) return NotOwing(view.Instance);
        var asked = new AskedExtension(code == LateRequested ? "cho nộp muộn" : "gia hạn nộp báo cáo", until!.Value, deadline, reason!);
        var work = await mail.RequestedAsync(view, period, asked, cancellationToken);
        var result = await engine.FireAsync(view.Instance.Id, new Firing(ReportTrigger.Note, unitCode, WorkflowChannel.Api)
        {
            Comment = $"Đề nghị {asked.What} đến {time.Describe(asked.Until)}. Lý do: {asked.Reason}", ReasonCode = code, Work = work, SeenState = view.Instance.State,
        }, workflow, cancellationToken);
        return result is FireResult.Applied applied
            ? new FiledRequest(applied.Instance.Id, applied.Event.Sequence, kind, asked.Until, asked.Reason)
            : Conflict(result);
    }

    public async Task<Outcome<WorkflowInstance>> GrantAsync(string instanceId, ExtensionGrant grant, DurableTaskClient workflow, CancellationToken cancellationToken)
    {
        var found = await ReportAsync(instanceId, cancellationToken);
        if (found.Problem is { } missing) return missing;
        var (view, period, deadline) = found.Value;
        var errors = new ValidationErrors();
        var until = Until(grant.Deadline, "/deadline", deadline, errors);
        var reason = Reason(grant.Reason, errors);
        if (errors.Any) return errors.ToProblem();
        if (!WorkflowDefinition.NotSubmitted.Contains(view.Instance.State)) return NotOwing(view.Instance);
        var work = await mail.DecidedAsync(view.Instance, period, granted: true, until!.Value, reason!, cancellationToken);
        var result = await engine.FireAsync(view.Instance.Id, WorkflowApi.ByAdmin(ReportTrigger.Extend) with
        {
            Comment = $"Gia hạn nộp báo cáo đến {time.Describe(until.Value)}. Lý do: {reason}", ReasonCode = Granted, Work = work,
            SeenState = view.Instance.State, Deadline = until,
        }, workflow, cancellationToken);
        return result is FireResult.Applied applied ? applied.Instance : Conflict(result);
    }

    public async Task<Outcome<WorkflowInstance>> RefuseAsync(string instanceId, ExtensionRefusal refusal, DurableTaskClient workflow, CancellationToken cancellationToken)
    {
        var found = await ReportAsync(instanceId, cancellationToken);
        if (found.Problem is { } missing) return missing;
        var (view, period, deadline) = found.Value;
        var errors = new ValidationErrors();
        var reason = Reason(refusal.Reason, errors);
        if (errors.Any) return errors.ToProblem();
        if (Pending(view.History) is null) return Problems.Conflict("no-pending-request", "Đơn vị không có đề nghị gia hạn nào đang chờ quyết định.");
        var work = await mail.DecidedAsync(view.Instance, period, granted: false, deadline, reason!, cancellationToken);
        // Decided on the very event the admin saw: a grant or a new request in between makes this refusal stale.
        var result = await engine.FireAsync(view.Instance.Id, WorkflowApi.ByAdmin(ReportTrigger.Note) with
        {
            Comment = $"Không chấp nhận đề nghị gia hạn. Lý do: {reason}", ReasonCode = Refused, Work = work, SeenSequence = view.Instance.Sequence,
        }, workflow, cancellationToken);
        return result is FireResult.Applied applied ? applied.Instance : Conflict(result);
    }

    /// <summary>The report with its history, its period, and the deadline it is held to now.</summary>
    private async Task<Outcome<(WorkflowView View, Period Period, DateTimeOffset Deadline)>> ReportAsync(string instanceId, CancellationToken cancellationToken)
    {
        var view = await engine.GetAsync(instanceId, cancellationToken);
        var period = view is null ? null : await catalog.GetPeriodAsync(view.Instance.PeriodId, cancellationToken);
        if (view is null || period is null) return Problems.NotFound($"Không có báo cáo '{instanceId}' trong quy trình.");
        return (view, period, view.Instance.DeadlineOr(period.Deadline));
    }

    /// <summary>A new deadline must be read, and later than both now and the deadline the unit is held to.</summary>
    private DateTimeOffset? Until(string? text, string pointer, DateTimeOffset current, ValidationErrors errors)
    {
        var until = string.IsNullOrWhiteSpace(text) ? null : PeriodRules.ParseDeadline(text, time);
        if (until is null)
            errors.Add(pointer, "invalid-deadline", "Cần nêu hạn mới, dạng ISO 8601, ví dụ 2026-12-05T17:00 (giờ Việt Nam).");
        else if (until <= current || until <= time.UtcNow)
            errors.Add(pointer, "deadline-not-later", $"Hạn mới phải sau hạn hiện tại ({time.Describe(current)}) và sau thời điểm này.");
        return until;
    }

    private static string? Reason(string? text, ValidationErrors errors)
    {
        var reason = CatalogText.CleanOptional(text);
        if (reason is null) errors.Add("/reason", "reason-required", "Cần ghi rõ lý do.");
        return reason;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotOwing(WorkflowInstance instance) =>
        Problems.Conflict("not-owing", $"Báo cáo đang ở trạng thái «{WorkflowDefinition.Name(instance.State)}»: đơn vị không còn nợ báo cáo nên không gia hạn.");

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Conflict(FireResult result) => result switch
    {
        FireResult.Refused refused => Problems.Create(StatusCodes.Status409Conflict, refused.Code, "Xung đột dữ liệu", refused.Reason,
            new Dictionary<string, object?> { ["decidedBy"] = refused.DecidedBy }),
        _ => Problems.NotFound("Không có báo cáo này trong quy trình."),
    };
}
