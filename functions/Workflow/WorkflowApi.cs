using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Baocao.Catalog;
using Baocao.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.OpenApi;

namespace Baocao.Workflow;

/// <summary>Why an admin reopens an approved report; the unit reads the reason.</summary>
public sealed record ReopenRequest(string Reason, string? ReasonCode = null);

/// <summary>An admin action that needs only its reason (terminate); the reason lands in history.</summary>
public sealed record AdminReason(string? Reason = null, string? ReasonCode = null);

/// <summary>An event an admin raises on an instance (a note, an exemption or a return), with the reason history keeps.</summary>
public sealed record RaiseEventRequest(string? Event = null, string? Reason = null, string? ReasonCode = null);

/// <summary>The workflow's services, and what every admin decision on an instance shares (its actor, its reason, its answer).</summary>
public static class WorkflowApi
{
    /// <summary>The actor recorded for decisions made with the admin key, which names no person.</summary>
    public const string AdminActor = "quản trị viên";

    /// <summary>A trigger an admin fires with the admin key, through the admin channel.</summary>
    public static Firing ByAdmin(ReportTrigger trigger) => new(trigger, AdminActor, WorkflowChannel.Admin);

    /// <summary>
    /// The events an admin may raise: a note in history, exempting a unit, returning a report for correction. The
    /// others belong to their own channel (Submit to the unit's submission, Claim and Approve to the reviewers' links,
    /// FlagOverdue and MarkMissed to timers and the period) or have their own endpoint (reopen, terminate).
    /// </summary>
    public static readonly IReadOnlySet<ReportTrigger> RaisableEvents = new HashSet<ReportTrigger> { ReportTrigger.Note, ReportTrigger.Exempt, ReportTrigger.Return };

    public static IServiceCollection AddWorkflow(this IServiceCollection services)
    {
        services.AddSingleton<IWorkflowDefinition, DeclaredWorkflowDefinition>().AddSingleton<WorkflowDefinitions>();
        services.AddSingleton<WorkflowStore>().AddSingleton<TimerIndex>().AddSingleton<OutboxQueue>().AddSingleton<WorkflowEngine>();
        services.AddSingleton<PeriodActivities>().AddSingleton<ICatalogObserver, PeriodSignals>();
        services.AddSingleton<ITimerKind, DeadlineTimer>().AddTransient<ReportTimers>();
        services.AddTransient<OutboxDispatcher>().AddTransient<TimerSweeper>().AddTransient<PeriodPurge>();
        return services;
    }

    /// <summary>Every admin action says why; the reason becomes the history event's comment.</summary>
    public static string? Reason(string? reason, ValidationErrors errors)
    {
        var cleaned = CatalogText.CleanOptional(reason);
        if (cleaned is null) errors.Add("/reason", RefusalCodes.ReasonRequired, "Lệnh quản trị phải ghi rõ lý do.");
        return cleaned;
    }

    /// <summary>
    /// What a decision became, as HTTP: the instance, or why not. A missing reason or comment is the request's fault
    /// (422); any other refusal conflicts with the report's state (409), naming who put it there.
    /// </summary>
    public static Results<Ok<WorkflowInstance>, ProblemHttpResult> Answer(string instanceId, FireResult result) => result switch
    {
        FireResult.Applied applied => TypedResults.Ok(applied.Instance),
        FireResult.NotFound => NotFound(instanceId),
        FireResult.Refused { Code: RefusalCodes.ReasonRequired or RefusalCodes.CommentRequired } refused => Problems.Validation([new FieldError("/reason", refused.Code, refused.Reason)]),
        FireResult.Refused refused => Problems.Create(StatusCodes.Status409Conflict, refused.Code, "Xung đột dữ liệu", refused.Reason,
            new Dictionary<string, object?> { ["decidedBy"] = refused.DecidedBy }),
        _ => throw new InvalidOperationException($"An admin decision on {instanceId} cannot end as {result.GetType().Name}."),
    };

    internal static ProblemHttpResult NotFound(string instanceId) => Problems.NotFound($"Không có báo cáo '{instanceId}' trong quy trình.");
}

/// <summary>Workflow management for admins, in the spirit of Durable Functions' instance API.</summary>
[Tags("Quy trình báo cáo")]
[RequireAdminKey, ProducesProblem(StatusCodes.Status401Unauthorized)]
public sealed class InstanceFunctions(WorkflowEngine engine, PeriodPurge purge)
{
    [Function("ListInstances"), EndpointSummary("Các báo cáo của một kỳ trong quy trình, lọc theo trạng thái, đơn vị, quá hạn")]
    [EndpointDescription("periodId là bắt buộc: danh sách đọc theo khoảng khoá của kỳ, không quét cả bảng.")]
    [QueryParameter("periodId", "Kỳ báo cáo", Required = true)]
    [QueryParameter("state", "Chỉ các báo cáo ở trạng thái này", ValuesOf = typeof(ReportState))]
    [QueryParameter("unit", "Chỉ báo cáo của đơn vị này (mã đơn vị)")]
    [QueryParameter("overdue", "true: chỉ các báo cáo quá hạn; false: chỉ các báo cáo chưa quá hạn", Type = JsonSchemaType.Boolean)]
    [ProducesProblem(StatusCodes.Status422UnprocessableEntity)]
    public async Task<Results<Ok<IReadOnlyList<WorkflowInstance>>, ProblemHttpResult>> ListInstances(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "instances")] HttpRequest req, CancellationToken ct)
    {
        if (!TryReadFlag(req, "overdue", out var overdue, out var malformed)) return malformed;
        var (periodId, stateText, unitText) = ((string?)req.Query["periodId"], (string?)req.Query["state"], (string?)req.Query["unit"]);
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(periodId)) errors.Add("/periodId", "period-required", "Cần chọn kỳ báo cáo (periodId).");
        ReportState? state = null;
        if (stateText is { } text)
        {
            if (ReportStateCodes.TryParse(text, out var parsed)) state = parsed;
            else errors.Add("/state", "invalid-state", $"Trạng thái '{text}' không có; chọn một trong {string.Join(", ", ReportStateCodes.All)}.");
        }
        if (errors.Any) return errors.ToProblem();
        var unit = unitText is null ? null : CatalogText.NormalizeCode(unitText);
        IReadOnlyList<WorkflowInstance> found = (await engine.ListAsync(periodId!, ct))
            .Where(i => (state is null || i.State == state) && (unit is null || i.UnitCode == unit) && (overdue is null || i.Overdue == overdue))
            .OrderBy(i => i.UnitCode, StringComparer.Ordinal)
            .ToList();
        return TypedResults.Ok(found);
    }

    [Function("GetInstance"), EndpointSummary("Một báo cáo trong quy trình ({kỳ}~{đơn vị}): trạng thái, toàn bộ lịch sử, các hẹn giờ còn chờ và quy trình điều phối")]
    [EndpointDescription("orchestration: trạng thái của quy trình điều phối (Durable Functions) của báo cáo, hẹn giờ nó đang chờ và đến khi nào.")]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<Results<Ok<InstanceDetail>, ProblemHttpResult>> GetInstance(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "instances/{instanceId}")] HttpRequest req, string instanceId,
        [DurableClient] DurableTaskClient workflow, CancellationToken ct)
    {
        if (await engine.GetAsync(instanceId, ct) is not { } view) return WorkflowApi.NotFound(instanceId);
        var timers = (await engine.TimersAsync(view.Instance.Id, ct)).Select(t => new PendingTimer(t.Name, t.Kind, t.Due)).OrderBy(t => t.Due).ToList();
        var orchestration = await workflow.GetInstanceAsync(view.Instance.Id, getInputsAndOutputs: true, ct);
        var look = orchestration?.SerializedCustomStatus is null ? null : orchestration.ReadCustomStatusAs<ReportLook>();
        var clock = orchestration is null ? null
            : new ReportClock(orchestration.RuntimeStatus.ToString(), orchestration.IsCompleted ? null : look?.NextTimer,
                orchestration.IsCompleted ? null : look?.NextDue, look?.LookedAt);
        return TypedResults.Ok(new InstanceDetail(view.Instance, view.History, timers, clock));
    }

    [Function("ReopenInstance"), EndpointSummary("Mở lại báo cáo đã duyệt: trả về đơn vị, kèm lý do")]
    [ProducesValidationProblems]
    [ProducesProblem(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)]
    public async Task<Results<Ok<WorkflowInstance>, ProblemHttpResult>> Reopen(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "instances/{instanceId}/reopen")] HttpRequest req, string instanceId,
        [JsonBody] ReopenRequest body, [DurableClient] DurableTaskClient workflow, CancellationToken ct)
    {
        var result = await engine.FireAsync(instanceId, WorkflowApi.ByAdmin(ReportTrigger.Reopen) with
        {
            Comment = body.Reason, ReasonCode = body.ReasonCode, SeenState = ReportState.Approved,
        }, workflow, ct);
        return WorkflowApi.Answer(instanceId, result);
    }

    [Function("RaiseInstanceEvent"), EndpointSummary("Ghi một sự kiện vào quy trình của báo cáo (note, exempt, return), kèm lý do")]
    [EndpointDescription("Chỉ nhận các sự kiện note (ghi chú), exempt (miễn nộp) và return (trả lại); sự kiện khác bị từ chối (422).")]
    [ProducesValidationProblems]
    [ProducesProblem(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)]
    public async Task<Results<Ok<WorkflowInstance>, ProblemHttpResult>> RaiseEvent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "instances/{instanceId}/raise-event")] HttpRequest req, string instanceId,
        [JsonBody] RaiseEventRequest body, [DurableClient] DurableTaskClient workflow, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var trigger = RaisableEvent(body.Event, errors);
        return await FireAsAdminAsync(instanceId, trigger, new AdminReason(body.Reason, body.ReasonCode), errors, workflow, ct);
    }

    [Function("TerminateInstance"), EndpointSummary("Dừng một báo cáo đang trong quy trình, kèm lý do: huỷ các hẹn giờ, ghi vào lịch sử")]
    [ProducesValidationProblems]
    [ProducesProblem(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)]
    public Task<Results<Ok<WorkflowInstance>, ProblemHttpResult>> Terminate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "instances/{instanceId}/terminate")] HttpRequest req, string instanceId,
        [JsonBody] AdminReason body, [DurableClient] DurableTaskClient workflow, CancellationToken ct) =>
        FireAsAdminAsync(instanceId, ReportTrigger.Terminate, body, new ValidationErrors(), workflow, ct);

    /// <summary>An admin's event on an instance: its reason checked with the request's other errors, then fired and answered.</summary>
    private async Task<Results<Ok<WorkflowInstance>, ProblemHttpResult>> FireAsAdminAsync(
        string instanceId, ReportTrigger? trigger, AdminReason why, ValidationErrors errors, DurableTaskClient workflow, CancellationToken ct)
    {
        var comment = WorkflowApi.Reason(why.Reason, errors);
        if (errors.Any) return errors.ToProblem();
        return WorkflowApi.Answer(instanceId, await engine.FireAsync(instanceId,
            WorkflowApi.ByAdmin(trigger!.Value) with { Comment = comment, ReasonCode = why.ReasonCode }, workflow, ct));
    }

    [Function("PurgeInstances"), EndpointSummary("Xoá hẳn các báo cáo của một kỳ đã đóng: quy trình, lịch sử, phiên bản, hẹn giờ và tệp đính kèm")]
    [EndpointDescription("Chỉ với kỳ đã đóng, và khi đã có bản kết xuất (exports/{periodId}/…) hoặc confirm=true. Ghi lại một bản ghi xoá trong phân vùng của kỳ.")]
    [QueryParameter("periodId", "Kỳ đã đóng cần xoá", Required = true)]
    [QueryParameter("confirm", "true: xoá cả khi kỳ chưa có bản kết xuất", Type = JsonSchemaType.Boolean)]
    [ProducesProblem(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity)]
    public async Task<Results<Ok<PurgeRecord>, ProblemHttpResult>> Purge(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "instances")] HttpRequest req, [DurableClient] DurableTaskClient workflow,
        CancellationToken ct)
    {
        if (!TryReadFlag(req, "confirm", out var confirm, out var malformed)) return malformed;
        var periodId = (string?)req.Query["periodId"];
        if (string.IsNullOrWhiteSpace(periodId))
        {
            return Problems.Validation([new FieldError("/periodId", "period-required", "Cần chọn kỳ báo cáo cần xoá (periodId).")]);
        }
        var (record, refusal) = await purge.PurgeAsync(periodId, confirm == true, WorkflowApi.AdminActor, workflow, ct);
        if (record is not null) return TypedResults.Ok(record);
        return refusal!.Status == StatusCodes.Status404NotFound
            ? Problems.NotFound(refusal.Detail)
            : Problems.Conflict(refusal.Code, refusal.Detail);
    }

    /// <summary>
    /// A true/false query parameter, read as minimal APIs bound a <c>bool?</c>: absent or empty is null, true or false in
    /// any case is itself, anything else makes the request unreadable (400) before anything else is checked.
    /// </summary>
    private static bool TryReadFlag(HttpRequest req, string name, out bool? flag, [NotNullWhen(false)] out ProblemHttpResult? malformed)
    {
        (flag, malformed) = (null, null);
        var text = (string?)req.Query[name];
        if (string.IsNullOrEmpty(text)) return true;
        if (bool.TryParse(text, out var parsed))
        {
            flag = parsed;
            return true;
        }
        malformed = Problems.Malformed(new FieldError($"/{name}", "invalid-boolean", $"{name} chỉ nhận true hoặc false, không nhận '{text}'."));
        return false;
    }

    /// <summary>The event named, if an admin may raise it; the names are the triggers', in any case, never numbers.</summary>
    private static ReportTrigger? RaisableEvent(string? name, ValidationErrors errors)
    {
        var accepted = string.Join(", ", WorkflowApi.RaisableEvents.Select(t => JsonNamingPolicy.CamelCase.ConvertName(t.ToString())));
        if (string.IsNullOrWhiteSpace(name))
        {
            errors.Add("/event", "event-required", $"Cần nêu sự kiện ({accepted}).");
            return null;
        }
        if (Enum.TryParse<ReportTrigger>(name.Trim(), ignoreCase: true, out var trigger) && !int.TryParse(name, out _) && WorkflowApi.RaisableEvents.Contains(trigger))
        {
            return trigger;
        }
        errors.Add("/event", "event-not-accepted", $"Không nhận sự kiện '{name}' qua lệnh quản trị; chỉ nhận: {accepted}.");
        return null;
    }
}
