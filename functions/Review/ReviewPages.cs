using Baocao.Hosting;
using Baocao.Rendering;
using Baocao.Workflow;
using Microsoft.AspNetCore.Antiforgery;

namespace Baocao.Review;

public sealed record ReviewPageModel(
    ReportModel Report, string StageName, string ReviewerName, string? OnBehalfOf, string StateName, string Expires,
    IReadOnlyList<HistoryModel> History, IReadOnlyList<HistoryModel> Comments, string Action, string FormField, string FormToken,
    IReadOnlyList<ReasonModel> Reasons, IReadOnlyList<string> Ticked, IReadOnlyList<FigureModel> Fields, IReadOnlyDictionary<string, string> FieldComments,
    string? Error, string? Comment, bool AllOf, string Others, string SeenState);

public sealed record OutcomeModel(string Title, string Lead, IReadOnlyList<string> Details, string? Link);

/// <summary>The pages a link leads to, rendered from Liquid templates with every value escaped.</summary>
public static class ReviewPages
{
    public static IResult Review(OpenedLink o, string token, AntiforgeryTokenSet form, string? error, ReviewDecision? decision, PeopleTime time)
    {
        var history = o.View.History.Select(e => ReportFacts.History(e, time)).ToList();
        var report = o.Facts.Model(time, n => $"{ReviewApi.Prefix}/{token}/attachments/{n}");
        var model = new ReviewPageModel(
            report,
            o.Stage.Name, o.Reviewer.Person.Name, o.Reviewer.OnBehalfOf?.Name, WorkflowDefinition.Name(o.View.Instance.State),
            time.Describe(o.Link.Expires), history, history.Where(h => h.Comment is not null).ToList(),
            $"{ReviewApi.Prefix}/{token}", form.FormFieldName, form.RequestToken ?? "",
            ReviewDecision.ReasonNames.Select(r => new ReasonModel(r.Key, r.Value)).ToList(), decision?.Reasons ?? [],
            report.Sections.SelectMany(s => s.Figures).ToList(),
            decision?.FieldComments ?? new Dictionary<string, string>(), error, decision?.Comment,
            o.Stage.Mode == Catalog.StageMode.AllOf,
            string.Join(", ", o.StagePeople.Where(p => p.DecidesFor != o.Reviewer.DecidesFor).Select(p => p.DisplayName)),
            o.View.Instance.State.Code());
        return Rendering.Page.Html($"{o.Unit.Name} – {o.Period.Name}", "Review/page-review", model,
            error is null ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
    }

    /// <summary>The page for a link that cannot decide (any more), and why; a repeat click reads as the decision it made.</summary>
    public static IResult Outcome(LinkCase c, bool posted, PeopleTime time)
    {
        var state = c.Instance is { } i ? $"Báo cáo hiện ở trạng thái «{WorkflowDefinition.Name(i.State)}»." : null;
        return c.Status switch
        {
            LinkStatus.Expired => Page("Liên kết đã hết hạn", $"Liên kết này hết hạn lúc {time.Describe(c.Link!.Expires)}. Vì an toàn, liên kết trong thư chỉ dùng được trong một thời gian ngắn.",
                ["Không có gì được thay đổi.", "Hãy liên hệ quản trị hệ thống để được gửi lại thư với liên kết mới."], StatusCodes.Status410Gone),
            LinkStatus.NotAssigned => Page("Anh/chị không còn được giao bước này", "Bước duyệt đã được giao cho người khác, nên liên kết của anh/chị không còn dùng được.",
                ["Không có gì được thay đổi.", state!], StatusCodes.Status403Forbidden),
            LinkStatus.Superseded => Page("Đã có phiên bản mới", $"Đơn vị đã nộp phiên bản {c.Instance!.Version} thay cho phiên bản {c.Link!.Version} mà liên kết này dẫn tới.",
                ["Không có gì được thay đổi.", "Mỗi phiên bản mới đều được gửi thư mới kèm liên kết mới cho người duyệt; hãy dùng liên kết trong thư mới nhất.", state!],
                StatusCodes.Status409Conflict),
            LinkStatus.NotYet => Page("Báo cáo chưa đến bước này", "Báo cáo còn đang ở bước trước; liên kết này chỉ dùng được khi báo cáo được chuyển đến bước của anh/chị.",
                ["Không có gì được thay đổi.", state!], StatusCodes.Status409Conflict),
            LinkStatus.DecidedHere => Page($"Anh/chị đã {Verb(c.Decision)} báo cáo này", $"Quyết định đã được ghi nhận lúc {When(c.Decision, time)}.",
                [.. Said(c.Decision), state!, "Không cần thao tác thêm."], StatusCodes.Status200OK),
            LinkStatus.DecidedElsewhere => Page("Báo cáo đã được xử lý",
                c.Decision is { } d ? $"{d.Actor} đã {WorkflowDefinition.Verb(d.Trigger)} báo cáo lúc {time.Describe(d.At)}." : "Báo cáo không còn chờ bước duyệt này.",
                [posted ? "Quyết định của anh/chị không được ghi nhận, vì báo cáo đã được xử lý trước đó." : "Không cần thao tác thêm.", .. Said(c.Decision), state!],
                posted ? StatusCodes.Status409Conflict : StatusCodes.Status200OK),
            _ => Page("Liên kết không hợp lệ", "Liên kết này không đúng, đã bị sửa đổi, đã quá cũ (hệ thống đã đổi khoá bảo mật của liên kết), hoặc báo cáo không còn tồn tại.",
                ["Không có gì được thay đổi.", "Hãy mở lại đúng liên kết trong thư Baocao gửi anh/chị; nếu vẫn không được, liên hệ quản trị hệ thống."], StatusCodes.Status404NotFound),
        };
    }

    public static IResult Done(LinkCase c, string next, PeopleTime time) =>
        Page($"Đã ghi nhận: {Verb(c.Decision)}", $"Quyết định của anh/chị đã được ghi nhận lúc {When(c.Decision, time)}.", [.. Said(c.Decision), next], StatusCodes.Status200OK);

    public static IResult Message(string title, string text, int status, string token) =>
        Page(title, text, [], status, $"{ReviewApi.Prefix}/{token}");

    private static IResult Page(string title, string lead, IReadOnlyList<string> details, int status, string? link = null) =>
        Rendering.Page.Html(title, "Review/page-outcome", new OutcomeModel(title, lead, details.Where(d => d is not null).ToList(), link), status);

    private static string Verb(HistoryEvent? e) => e is null ? "quyết định" : e.Trigger == ReportTrigger.Note ? "đồng ý" : WorkflowDefinition.Verb(e.Trigger);

    private static string When(HistoryEvent? e, PeopleTime time) => e is null ? "trước đó" : time.Describe(e.At);

    private static string[] Said(HistoryEvent? e) => e?.Comment is { } comment ? [$"Nhận xét: {comment}"] : [];
}
