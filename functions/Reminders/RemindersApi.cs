using Baocao.Access;
using Baocao.Hosting;
using Baocao.Workflow;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Baocao.Reminders;

/// <summary>Reminders, escalation and extensions: their services, and the routes a unit and an admin use for extensions.</summary>
public static class RemindersApi
{
    public static IServiceCollection AddReminders(this IServiceCollection services)
    {
        services.AddOptions<ReminderOptions>().BindConfiguration(ReminderOptions.Section)
            .Validate(o => o.Problem() is null, "Reminder settings are not usable: see Reminders:WorkdayStart/WorkdayEnd, WorkingDays, Holidays, ReviewLimit and StageLimits.")
            .ValidateOnStart();
        services.AddSingleton<WorkingHours>().AddSingleton<DigestStore>().AddSingleton<ReminderMail>().AddSingleton<ExtensionMail>().AddSingleton<DeadlineExtensions>();
        services.AddSingleton<ITimerKind, ReminderTimer>().AddSingleton<ITimerKind, ReviewWaitTimerKind>().AddSingleton<ITimerPolicy, ReminderPolicy>();
        services.AddTransient<IWorkReceiver, NoticeReceiver>().AddTransient<ISweepFinisher, ReminderDigests>();
        return services;
    }

    public static IEndpointRouteBuilder MapRemindersApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/periods/{periodId}/reports/{unitId}/extension-requests", RequestExtension).WithName("RequestExtension").RequireUnitKey()
            .WithTags("Đơn vị: nộp báo cáo")
            .WithSummary("Đơn vị đề nghị gia hạn hoặc cho nộp muộn, kèm hạn đề nghị và lý do; quản trị viên chấp nhận hoặc từ chối")
            .Accepts<ExtensionRequest>("application/json").ProducesValidationProblems()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        var extension = app.MapGroup("/api/instances/{instanceId}/extension").RequireAdminKey().WithTags("Quy trình báo cáo")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        extension.MapPost("/", GrantExtension).WithName("GrantExtension")
            .WithSummary("Gia hạn nộp báo cáo cho một đơn vị, kèm lý do: dời hạn, nhắc hạn và hạn quá hạn theo hạn mới")
            .Accepts<ExtensionGrant>("application/json").ProducesValidationProblems();
        extension.MapPost("/refusal", RefuseExtension).WithName("RefuseExtension")
            .WithSummary("Từ chối đề nghị gia hạn đang chờ của đơn vị, kèm lý do")
            .Accepts<ExtensionRefusal>("application/json").ProducesValidationProblems();
        return app;
    }

    public static async Task<Results<Ok<FiledRequest>, ProblemHttpResult>> RequestExtension(
        string periodId, string unitId, HttpContext context, DeadlineExtensions extensions, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<ExtensionRequest>(context.Request, ct);
        if (body.Problem is { } problem) return problem;
        var filed = await extensions.RequestAsync(periodId, CallingUnit.From(context).Code, body.Value!, ct);
        return filed.ToOk();
    }

    public static async Task<Results<Ok<WorkflowInstance>, ProblemHttpResult>> GrantExtension(
        string instanceId, HttpRequest request, DeadlineExtensions extensions, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<ExtensionGrant>(request, ct);
        if (body.Problem is { } problem) return problem;
        var granted = await extensions.GrantAsync(instanceId, body.Value!, ct);
        return granted.ToOk();
    }

    public static async Task<Results<Ok<WorkflowInstance>, ProblemHttpResult>> RefuseExtension(
        string instanceId, HttpRequest request, DeadlineExtensions extensions, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<ExtensionRefusal>(request, ct);
        if (body.Problem is { } problem) return problem;
        var refusal = await extensions.RefuseAsync(instanceId, body.Value!, ct);
        return refusal.ToOk();
    }
}
