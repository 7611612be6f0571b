using Baocao.Catalog;
using Baocao.Hosting;
using Baocao.Mail;
using Baocao.Submissions;
using Baocao.Workflow;
using Microsoft.Extensions.Options;

namespace Baocao.Review;

public sealed record RequestMailModel(ReportModel Report, string RecipientName, string? OnBehalfOf, string StageName, string Link, string Expires);

public sealed record FieldCommentModel(string Name, string Comment);

public sealed record ReturnMailModel(ReportModel Report, string Reviewer, string At, string Comment, IReadOnlyList<ReasonModel> Reasons,
    IReadOnlyList<FieldCommentModel> FieldComments, string ResubmitUrl);

public sealed record ReceiptMailModel(ReportModel Report, string ApprovedBy, string ApprovedAt, string InstanceId, string SignedText, string Signature);

/// <summary>
/// The mail of the review story, as outbox work items: a request per reviewer with their own action link, the return
/// to the unit with the comments, and the signed receipt of the final approval. Each names its instance.
/// </summary>
public sealed class ReviewMail(ReviewTokens tokens, PeopleTime time, IOptions<BaocaoOptions> options)
{
    public const string RequestCategory = "review-request";
    public const string ReturnCategory = "review-returned";
    public const string ReceiptCategory = "review-receipt";

    private string Base => options.Value.PublicBaseUrl.TrimEnd('/');

    public string LinkUrl(string token) => $"{Base}{ReviewApi.Prefix}/{token}";

    /// <summary>One mail per reviewer of <paramref name="stage"/>, each with a link bound to them, this version and this stage.</summary>
    public IReadOnlyList<WorkItem> Requests(string instanceId, ReportFacts facts, ReviewStage stage, IReadOnlyList<Reviewer> people) =>
        people.Select(reviewer =>
        {
            var link = tokens.NewLink(instanceId, facts.Version, stage.Code, reviewer.Person.Email, reviewer.OnBehalfOf?.Email);
            var url = LinkUrl(tokens.Sign(link));
            var model = new RequestMailModel(facts.Model(time, n => $"{url}/attachments/{n}"), reviewer.Person.Name, reviewer.OnBehalfOf?.Name,
                stage.Name, url, time.Describe(link.Expires));
            return Work([reviewer.Person.Email], "Review/request", model, RequestCategory);
        }).ToList();

    /// <summary>The comments back to the unit's reporting officer and head, with how to send a corrected version.</summary>
    public IReadOnlyList<WorkItem> Returned(string instanceId, ReportFacts facts, Reviewer reviewer, ReviewDecision decision)
    {
        var recipients = UnitContacts(facts.Unit);
        if (recipients.Count == 0) return [];
        var names = facts.Template.Indicators.ToDictionary(i => i.Code, i => i.Name);
        var model = new ReturnMailModel(facts.Model(time, n => $"{Base}{ReportLinks.Report(facts.Period.Id, facts.Unit.Code)}/versions/{facts.Version}/attachments/{n}"),
            reviewer.DisplayName, time.Describe(time.UtcNow), decision.Comment ?? "",
            decision.Reasons.Select(r => new ReasonModel(r, ReviewDecision.ReasonNames[r])).ToList(),
            decision.FieldComments.Select(f => new FieldCommentModel(names.GetValueOrDefault(f.Key, f.Key), f.Value)).ToList(),
            $"{Base}{ReportLinks.Report(facts.Period.Id, facts.Unit.Code)}/submissions");
        return [Work(recipients, "Review/returned", model, ReturnCategory)];
    }

    /// <summary>
    /// The receipt of the final approval: which version, its content hash, who approved and when, signed with the
    /// current review key so the unit can later show exactly what was approved.
    /// </summary>
    public IReadOnlyList<WorkItem> Receipt(string instanceId, ReportFacts facts, Reviewer approver)
    {
        var recipients = UnitContacts(facts.Unit);
        if (recipients.Count == 0) return [];
        var at = time.UtcNow;
        var signed = $"{instanceId}|v{facts.Version}|{facts.Receipt}|{at:yyyy-MM-ddTHH:mm:ssZ}";
        var model = new ReceiptMailModel(facts.Model(time, n => $"{Base}{ReportLinks.Report(facts.Period.Id, facts.Unit.Code)}/versions/{facts.Version}/attachments/{n}"),
            approver.DisplayName, time.Describe(at), instanceId, signed, tokens.SignReceipt(signed));
        return [Work(recipients, "Review/receipt", model, ReceiptCategory)];
    }

    private static List<string> UnitContacts(OrgUnit unit) =>
        new[] { unit.ReportingOfficer?.Email, unit.Head?.Email }.OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    private static WorkItem Work(IReadOnlyList<string> to, string template, object model, string category) =>
        MailWork.From(to, template, model, category).ToWorkItem();
}
