using Baocao.Catalog;
using Baocao.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Baocao.Workflow;

/// <summary>Why an admin reopens an approved report; the unit reads the reason.</summary>
public sealed record ReopenRequest(string Reason, string? ReasonCode = null);

/// <summary>Filters of the instance list: the period is required, the rest narrow it.</summary>
public sealed record InstanceQuery(string? PeriodId, string? State, string? Unit, bool? Overdue);

/// <summary>Workflow management for admins, in the spirit of Durable Functions' instance API.</summary>
public static class WorkflowApi
{
    /// <summary>The actor recorded for decisions made with the admin key, which names no person.</summary>
    public const string AdminActor = "quản trị viên";

    public static IServiceCollection AddWorkflow(this IServiceCollection services)
    {
        services.AddOptions<WorkflowOptions>().BindConfiguration(WorkflowOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<WorkflowStore>().AddSingleton<TimerIndex>().AddSingleton<OutboxQueue>().AddSingleton<WorkflowEngine>();
        services.AddSingleton<PeriodOrchestrator>().AddSingleton<ICatalogObserver>(p => p.GetRequiredService<PeriodOrchestrator>());
        services.AddSingleton<ITimerKind, DeadlineTimer>().AddTransient<IWorkReceiver, PeriodCheckReceiver>();
        services.AddTransient<OutboxDispatcher>().AddTransient<TimerSweeper>();
        services.AddHostedService<OutboxQueueLoop>().AddHostedService<TimerSweepLoop>();
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
        if (result is FireResult.Applied applied) return TypedResults.Ok(applied.Instance);
        if (result is FireResult.NotFound) return NotFound(instanceId);
        var refused = (FireResult.Refused)result;
        // A missing reason is the request's fault; any other refusal conflicts with the report's state, naming who put it there.
        return refused.Code == "reason-required"
            ? Problems.Validation([new FieldError("/reason", refused.Code, refused.Reason)])
            : Problems.Create(StatusCodes.Status409Conflict, refused.Code, "Xung đột dữ liệu", refused.Reason,
                new Dictionary<string, object?> { ["decidedBy"] = refused.DecidedBy });
    }

    private static ProblemHttpResult NotFound(string instanceId) => Problems.NotFound($"Không có báo cáo '{instanceId}' trong quy trình.");
}
