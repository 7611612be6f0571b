using Baocao.Access;
using Baocao.Hosting;
using Baocao.Workflow;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Baocao.Reminders;

/// <summary>Reminders, escalation and extensions: their services.</summary>
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
}

/// <summary>A unit asks for more time to submit its report.</summary>
[Tags("Đơn vị: nộp báo cáo")]
public sealed class ExtensionRequestFunctions(DeadlineExtensions extensions)
{
    [Function("RequestExtension"), RequireUnitKey]
    [EndpointSummary("Đơn vị đề nghị gia hạn hoặc cho nộp muộn, kèm hạn đề nghị và lý do; quản trị viên chấp nhận hoặc từ chối")]
    [ProducesValidationProblems]
    [ProducesProblem(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)]
    public async Task<Results<Ok<FiledRequest>, ProblemHttpResult>> RequestExtension(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "periods/{periodId}/reports/{unitId}/extension-requests")] HttpRequest req,
        string periodId, string unitId, [JsonBody] ExtensionRequest body, [DurableClient] DurableTaskClient workflow, CancellationToken ct) =>
        (await extensions.RequestAsync(periodId, CallingUnit.From(req.HttpContext).Code, body, workflow, ct)).ToOk();
}

/// <summary>An admin grants a unit more time, or refuses the unit's request.</summary>
[Tags("Quy trình báo cáo")]
[RequireAdminKey, ProducesProblem(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)]
public sealed class ExtensionFunctions(DeadlineExtensions extensions)
{
    [Function("GrantExtension")]
    [EndpointSummary("Gia hạn nộp báo cáo cho một đơn vị, kèm lý do: dời hạn, nhắc hạn và hạn quá hạn theo hạn mới")]
    [ProducesValidationProblems]
    public async Task<Results<Ok<WorkflowInstance>, ProblemHttpResult>> GrantExtension(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "instances/{instanceId}/extension")] HttpRequest req, string instanceId,
        [JsonBody] ExtensionGrant grant, [DurableClient] DurableTaskClient workflow, CancellationToken ct) =>
        (await extensions.GrantAsync(instanceId, grant, workflow, ct)).ToOk();

    [Function("RefuseExtension")]
    [EndpointSummary("Từ chối đề nghị gia hạn đang chờ của đơn vị, kèm lý do")]
    [ProducesValidationProblems]
    public async Task<Results<Ok<WorkflowInstance>, ProblemHttpResult>> RefuseExtension(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "instances/{instanceId}/extension/refusal")] HttpRequest req, string instanceId,
        [JsonBody] ExtensionRefusal refusal, [DurableClient] DurableTaskClient workflow, CancellationToken ct) =>
        (await extensions.RefuseAsync(instanceId, refusal, workflow, ct)).ToOk();
}
