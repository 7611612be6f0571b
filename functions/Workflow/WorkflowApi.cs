using Baocao.Catalog;
using Baocao.Hosting;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Baocao.Workflow;

/// <summary>Why an admin reopens an approved report; the unit reads the reason.</summary>
public sealed record ReopenRequest(string Reason, string? ReasonCode = null);

/// <summary>An admin action that needs only its reason (terminate); the reason lands in history.</summary>
public sealed record AdminReason(string? Reason = null, string? ReasonCode = null);

/// <summary>An event an admin raises on an instance (see <see cref="WorkflowApi.RaisableEvents"/>), with the reason history keeps.</summary>
public sealed record RaiseEventRequest(string? Event = null, string? Reason = null, string? ReasonCode = null);

/// <summary>Which closed period to purge, and whether to purge it although no export of it exists.</summary>
public sealed record PurgeQuery(string? PeriodId, bool? Confirm);

/// <summary>Filters of the instance list: the period is required, the rest narrow it.</summary>
public sealed record InstanceQuery(string? PeriodId, string? State, string? Unit, bool? Overdue);

/// <summary>Workflow management for admins, in the spirit of Durable Functions' instance API.</summary>
public static class WorkflowApi
{
    /// <summary>The actor recorded for decisions made with the admin key, which names no person.</summary>
    public const string AdminActor = "quản trị viên";

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
        services.AddSingleton<PeriodOrchestrator>().AddSingleton<ICatalogObserver>(p => p.GetRequiredService<PeriodOrchestrator>());
        services.AddSingleton<ITimerKind, DeadlineTimer>().AddTransient<IWorkReceiver, PeriodCheckReceiver>();
        services.AddTransient<OutboxDispatcher>().AddTransient<TimerSweeper>().AddTransient<PeriodPurge>();
        return services;
    }

    public static IEndpointRouteBuilder MapWorkflowApi(this IEndpointRouteBuilder app)
    {
        var instances = app.MapGroup("/api/instances").RequireAdminKey().WithTags("Quy trình báo cáo")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        instances.MapGet("/", ListInstances).WithName("ListInstances")
            .WithSummary("Các báo cáo của một kỳ trong quy trình, lọc theo trạng thái, đơn vị, quá hạn")
            .WithDescription("periodId là bắt buộc: danh sách đọc theo khoảng khoá của kỳ, không quét cả bảng.")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        instances.MapGet("/{instanceId}", GetInstance).WithName("GetInstance")
            .WithSummary("Một báo cáo trong quy trình ({kỳ}~{đơn vị}): trạng thái và toàn bộ lịch sử")
            .ProducesProblem(StatusCodes.Status404NotFound);
        instances.MapPost("/{instanceId}/reopen", Reopen).WithName("ReopenInstance")
            .WithSummary("Mở lại báo cáo đã duyệt: trả về đơn vị, kèm lý do")
            .Accepts<ReopenRequest>("application/json").ProducesValidationProblems()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        instances.MapPost("/{instanceId}/raise-event", RaiseEvent).WithName("RaiseInstanceEvent")
            .WithSummary("Ghi một sự kiện vào quy trình của báo cáo (note, exempt, return), kèm lý do")
            .WithDescription("Chỉ nhận các sự kiện note (ghi chú), exempt (miễn nộp) và return (trả lại); sự kiện khác bị từ chối (422).")
            .Accepts<RaiseEventRequest>("application/json").ProducesValidationProblems()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        instances.MapPost("/{instanceId}/terminate", Terminate).WithName("TerminateInstance")
            .WithSummary("Dừng một báo cáo đang trong quy trình, kèm lý do: huỷ các hẹn giờ, ghi vào lịch sử")
            .Accepts<AdminReason>("application/json").ProducesValidationProblems()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        instances.MapDelete("/", Purge).WithName("PurgeInstances")
            .WithSummary("Xoá hẳn các báo cáo của một kỳ đã đóng: quy trình, lịch sử, phiên bản, hẹn giờ và tệp đính kèm")
            .WithDescription("Chỉ với kỳ đã đóng, và khi đã có bản kết xuất (exports/{periodId}/…) hoặc confirm=true. Ghi lại một bản ghi xoá trong phân vùng của kỳ.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    public static async Task<Results<Ok<IReadOnlyList<WorkflowInstance>>, ProblemHttpResult>> ListInstances(
        [AsParameters] InstanceQuery query, WorkflowEngine engine, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(query.PeriodId)) errors.Add("/periodId", "period-required", "Cần chọn kỳ báo cáo (periodId).");
        ReportState? state = null;
        if (query.State is { } text)
        {
            if (Enum.TryParse<ReportState>(text, ignoreCase: true, out var parsed) && !int.TryParse(text, out _)) state = parsed;
            else errors.Add("/state", "invalid-state", $"Trạng thái '{text}' không có; chọn một trong {string.Join(", ", Enum.GetNames<ReportState>())}.");
        }
        if (errors.Any) return errors.ToProblem();
        var unit = query.Unit is null ? null : CatalogText.NormalizeCode(query.Unit);
        IReadOnlyList<WorkflowInstance> found = (await engine.ListAsync(query.PeriodId!, ct))
            .Where(i => (state is null || i.State == state) && (unit is null || i.UnitCode == unit) && (query.Overdue is null || i.Overdue == query.Overdue))
            .OrderBy(i => i.UnitCode, StringComparer.Ordinal)
            .ToList();
        return TypedResults.Ok(found);
    }

    public static async Task<Results<Ok<WorkflowView>, ProblemHttpResult>> GetInstance(string instanceId, WorkflowEngine engine, CancellationToken ct) =>
        await engine.GetAsync(instanceId, ct) is { } view ? TypedResults.Ok(view) : NotFound(instanceId);

    public static async Task<Results<Ok<WorkflowInstance>, ProblemHttpResult>> Reopen(string instanceId, HttpRequest request, WorkflowEngine engine, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<ReopenRequest>(request, ct);
        if (body.Problem is { } problem) return problem;
        var result = await engine.FireAsync(instanceId, ReportTrigger.Reopen, AdminActor, WorkflowChannel.Admin,
            body.Value!.Reason, body.Value.ReasonCode, work: null, seenState: ReportState.Approved, ct);
        return Answer(instanceId, result);
    }

    public static async Task<Results<Ok<WorkflowInstance>, ProblemHttpResult>> RaiseEvent(string instanceId, HttpRequest request, WorkflowEngine engine, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<RaiseEventRequest>(request, ct);
        if (body.Problem is { } problem) return problem;
        var errors = new ValidationErrors();
        var trigger = RaisableEvent(body.Value!.Event, errors);
        var reason = Reason(body.Value.Reason, errors);
        if (errors.Any) return errors.ToProblem();
        return Answer(instanceId, await engine.FireAsync(instanceId, trigger!.Value, AdminActor, WorkflowChannel.Admin, reason, body.Value.ReasonCode,
            work: null, seenState: null, ct));
    }

    public static async Task<Results<Ok<WorkflowInstance>, ProblemHttpResult>> Terminate(string instanceId, HttpRequest request, WorkflowEngine engine, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<AdminReason>(request, ct);
        if (body.Problem is { } problem) return problem;
        var errors = new ValidationErrors();
        var reason = Reason(body.Value!.Reason, errors);
        if (errors.Any) return errors.ToProblem();
        return Answer(instanceId, await engine.FireAsync(instanceId, ReportTrigger.Terminate, AdminActor, WorkflowChannel.Admin, reason, body.Value.ReasonCode,
            work: null, seenState: null, ct));
    }

    public static async Task<Results<Ok<PurgeRecord>, ProblemHttpResult>> Purge([AsParameters] PurgeQuery query, PeriodPurge purge, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(query.PeriodId))
        {
            return Problems.Validation([new FieldError("/periodId", "period-required", "Cần chọn kỳ báo cáo cần xoá (periodId).")]);
        }
        var (record, refusal) = await purge.PurgeAsync(query.PeriodId, query.Confirm == true, AdminActor, ct);
        if (record is not null) return TypedResults.Ok(record);
        return refusal!.Status == StatusCodes.Status404NotFound
            ? Problems.NotFound(refusal.Detail)
            : Problems.Conflict(refusal.Code, refusal.Detail);
    }

    /// <summary>The event named, if an admin may raise it; the names are the triggers', in any case, never numbers.</summary>
    private static ReportTrigger? RaisableEvent(string? name, ValidationErrors errors)
    {
        var accepted = string.Join(", ", RaisableEvents.Select(t => JsonNamingPolicy.CamelCase.ConvertName(t.ToString())));
        if (string.IsNullOrWhiteSpace(name))
        {
            errors.Add("/event", "event-required", $"Cần nêu sự kiện ({accepted}).");
            return null;
        }
        if (Enum.TryParse<ReportTrigger>(name.Trim(), ignoreCase: true, out var trigger) && !int.TryParse(name, out _) && RaisableEvents.Contains(trigger))
        {
            return trigger;
        }
        errors.Add("/event", "event-not-accepted", $"Không nhận sự kiện '{name}' qua lệnh quản trị; chỉ nhận: {accepted}.");
        return null;
    }

    /// <summary>Every admin action says why; the reason becomes the history event's comment.</summary>
    public static string? Reason(string? reason, ValidationErrors errors)
    {
        var cleaned = CatalogText.CleanOptional(reason);
        if (cleaned is null) errors.Add("/reason", "reason-required", "Lệnh quản trị phải ghi rõ lý do.");
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
        FireResult.Refused { Code: "reason-required" or "comment-required" } refused => Problems.Validation([new FieldError("/reason", refused.Code, refused.Reason)]),
        FireResult.Refused refused => Problems.Create(StatusCodes.Status409Conflict, refused.Code, "Xung đột dữ liệu", refused.Reason,
            new Dictionary<string, object?> { ["decidedBy"] = refused.DecidedBy }),
        _ => throw new InvalidOperationException($"An admin decision on {instanceId} cannot end as {result.GetType().Name}."),
    };

    private static ProblemHttpResult NotFound(string instanceId) => Problems.NotFound($"Không có báo cáo '{instanceId}' trong quy trình.");
}
