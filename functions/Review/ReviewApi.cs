using Baocao.Catalog;
using Baocao.Hosting;
using Baocao.Submissions;
using Baocao.Workflow;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Baocao.Review;

/// <summary>
/// An admin moves a report's current stage to <see cref="To"/>, in place of the assignee whose e-mail is
/// <see cref="From"/>, or of everybody the stage has when it is left out; the reason lands in history.
/// </summary>
public sealed record ReassignRequest(Contact? To = null, string? From = null, string? Reason = null);

/// <summary>The review feature's services, and the address its links live under.</summary>
public static class ReviewApi
{
    public const string Prefix = "/api/review";

    public static IServiceCollection AddReview(this IServiceCollection services)
    {
        services.AddOptions<ReviewOptions>().BindConfiguration(ReviewOptions.Section)
            .Validate(o => o.Problem() is null, "Review settings cannot sign links: see Review:CurrentKeyId, Review:SigningKeys and Review:LinkLifetime.")
            .ValidateOnStart();
        services.AddSingleton<ReviewTokens>().AddSingleton<ReviewPeople>().AddSingleton<ReviewMail>().AddSingleton<ReviewService>()
            .AddSingleton<ISubmissionMail>(provider => provider.GetRequiredService<ReviewService>());
        return services;
    }
}

/// <summary>
/// The link in a reviewer's mail. GET and HEAD only show (mail scanners open every link); POST, with the page's
/// anti-forgery field, decides. Every case ends on a Vietnamese page that says what happened and what comes next.
/// </summary>
[Tags("Người duyệt: duyệt qua thư")]
public sealed class ReviewFunctions(ReviewService review, SubmissionService submissions, IAntiforgery antiforgery, PeopleTime time)
{
    [Function("ShowReview"), EndpointSummary("Trang xem báo cáo từ liên kết trong thư (chỉ xem, không thay đổi gì)")]
    [EndpointDescription("Máy quét thư mở mọi liên kết: GET và HEAD không bao giờ ghi nhận quyết định.")]
    [Produces(StatusCodes.Status200OK, "text/html")]
    public async Task<IResult> Show(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = "review/{token}")] HttpRequest req, string token, CancellationToken ct)
    {
        var context = req.HttpContext;
        var opened = await review.OpenAsync(token, ct);
        return opened.Opened is { } open
            ? ReviewPages.Review(open, token, antiforgery.GetAndStoreTokens(context), error: null, decision: null, time)
            : ReviewPages.Outcome(opened, posted: false, time);
    }

    [Function("DecideReview"), EndpointSummary("Quyết định từ trang duyệt: duyệt, hoặc trả lại kèm nhận xét (biểu mẫu có trường chống giả mạo)")]
    [Accepts(typeof(IFormCollection), "application/x-www-form-urlencoded"), Produces(StatusCodes.Status200OK, "text/html")]
    public async Task<IResult> Decide(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "review/{token}")] HttpRequest req, string token,
        [DurableClient] DurableTaskClient workflow, CancellationToken ct)
    {
        var context = req.HttpContext;
        var opened = await review.OpenAsync(token, ct);
        if (opened.Opened is not { } open) return ReviewPages.Outcome(opened, posted: true, time);
        // Read by hand (the form's fields depend on the template), so the anti-forgery check is made here.
        if (!context.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(context))
        {
            return ReviewPages.Message("Biểu mẫu không hợp lệ",
                "Quyết định chưa được ghi nhận: biểu mẫu đã hết hạn hoặc không gửi từ trang duyệt. Hãy mở lại liên kết trong thư và bấm nút trên trang.",
                StatusCodes.Status400BadRequest, token);
        }
        var form = await context.Request.ReadFormAsync(ct);
        // The decision holds for the state the page showed: if the report has moved since (a one-stage period's people
        // decide two steps), the reviewer reads what happened rather than have the click applied to the next step.
        if (form["seen"] is [{ } seen] && (!ReportStateCodes.TryParse(seen, out var shown) || shown != open.View.Instance.State))
        {
            var moved = opened with { Status = LinkStatus.DecidedElsewhere, Decision = open.View.History.LastOrDefault(e => e.From != e.To) };
            return ReviewPages.Outcome(moved, posted: true, time);
        }
        var decision = ReviewDecision.From(form, open.Template.Indicators.Select(i => i.Code));
        if (decision is null || (!decision.Approve && decision.Comment is null))
        {
            var error = decision is null ? "Hãy chọn «Duyệt» hoặc «Trả lại»." : "Trả lại báo cáo phải kèm nhận xét để đơn vị biết cần sửa gì.";
            return ReviewPages.Review(open, token, antiforgery.GetAndStoreTokens(context), error, decision, time);
        }
        var result = await review.DecideAsync(open, decision, workflow, ct);
        return result.Next is { } next ? ReviewPages.Done(result.Case, next, time) : ReviewPages.Outcome(result.Case, posted: true, time);
    }

    [Function("DownloadReviewAttachment"), EndpointSummary("Tải tệp đính kèm của phiên bản mà liên kết dẫn tới")]
    [Produces(StatusCodes.Status200OK, "application/octet-stream")]
    public async Task<IResult> Download(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "review/{token}/attachments/{number:int}")] HttpRequest req, string token, int number,
        CancellationToken ct)
    {
        var opened = await review.OpenAsync(token, ct);
        if (opened.Status is LinkStatus.Invalid or LinkStatus.Expired or LinkStatus.NotAssigned) return ReviewPages.Outcome(opened, posted: false, time);
        var file = await submissions.AttachmentAsync(opened.Instance!.PeriodId, opened.Instance.UnitCode, opened.Link!.Version, number, ct);
        if (file is null) return ReviewPages.Message("Không có tệp", $"Phiên bản {opened.Link.Version} không có tệp số {number}.", StatusCodes.Status404NotFound, token);
        return await submissions.DownloadAsync(file, ct);
    }
}

/// <summary>An admin hands a report's current review stage to somebody else.</summary>
[Tags("Quy trình báo cáo")]
[RequireAdminKey, ProducesProblem(StatusCodes.Status401Unauthorized)]
public sealed class ReviewAdminFunctions(ReviewService review)
{
    [Function("ReassignInstance")]
    [EndpointSummary("Giao bước duyệt hiện tại của báo cáo cho người khác: liên kết của người cũ hết dùng được, người mới nhận thư")]
    [EndpointDescription("Bỏ trống from để giao cả bước cho một người; ghi from (email) để thay đúng một người trong bước «tất cả cùng duyệt». Việc giao lại được ghi vào lịch sử kèm lý do và giữ cho các phiên bản sau của báo cáo.")]
    [ProducesValidationProblems]
    [ProducesProblem(StatusCodes.Status404NotFound), ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<Results<Ok<WorkflowInstance>, ProblemHttpResult>> Reassign(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "instances/{instanceId}/reassign")] HttpRequest req, string instanceId,
        [JsonBody] ReassignRequest body, [DurableClient] DurableTaskClient workflow, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var to = body.To is { } given ? UnitRules.Normalize(given)! : null;
        if (to is null) errors.Add("/to", "to-required", "Cần nêu người được giao (to: name, email).");
        else
        {
            UnitRules.CheckContact(errors, "/to", to, null);
            if (to.Name.IndexOfAny(['<', '>']) >= 0) errors.Add("/to/name", "invalid-name", "Tên người được giao không được chứa '<' hay '>'.");
        }
        var from = CatalogText.CleanOptional(body.From)?.ToLowerInvariant();
        if (from is not null && !CatalogText.IsEmail(from)) errors.Add("/from", "invalid-email", $"Địa chỉ email '{from}' không hợp lệ.");
        var reason = WorkflowApi.Reason(body.Reason, errors);
        if (errors.Any) return errors.ToProblem();
        var outcome = await review.ReassignAsync(instanceId, to!, from, reason!, workflow, ct);
        return outcome.Problem is { } refused ? refused : WorkflowApi.Answer(instanceId, outcome.Value!);
    }
}
