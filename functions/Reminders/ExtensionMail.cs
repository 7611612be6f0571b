using Baocao.Catalog;
using Baocao.Hosting;
using Baocao.Mail;
using Baocao.Review;
using Baocao.Workflow;
using Microsoft.Extensions.Options;

namespace Baocao.Reminders;

/// <summary>What an extension mail says: to whom, which unit and period, what was asked or decided, until when, why, and where to act.</summary>
public sealed record ExtensionMailModel(string RecipientName, string UnitName, string PeriodName, string What, string Until, string Deadline,
    string Reason, bool? Granted, string Link);

/// <summary>
/// The mails around an extension, committed with the event that records it: a unit's request goes to the people who
/// follow the unit (the first review stage's, after any reassignment of this report); an admin's grant or refusal goes
/// to the unit's reporting officer and its head. Each person gets a mail of their own, addressed by name.
/// </summary>
public sealed class ExtensionMail(CatalogService catalog, ReviewPeople reviewers, PeopleTime time, IOptions<BaocaoOptions> options)
{
    public const string Category = "extension";

    private const string RequestTemplate = "Reminders/extension-request";
    private const string DecisionTemplate = "Reminders/extension-decision";

    private string Root => options.Value.PublicBaseUrl.TrimEnd('/');

    public async Task<IReadOnlyList<WorkItem>> RequestedAsync(WorkflowView view, Period period, AskedExtension asked, CancellationToken cancellationToken)
    {
        var unit = await catalog.GetUnitAsync(view.Instance.UnitCode, cancellationToken);
        if (unit is null) return [];
        var people = (await reviewers.OfAsync(period.Stages[0], unit.Code, view.History, cancellationToken)).On(time.Today).Select(r => r.Person)
            .DistinctBy(p => p.Email.ToLowerInvariant()).ToList();
        var link = $"{Root}/api/dashboard/{Uri.EscapeDataString(period.Id)}/units/{Uri.EscapeDataString(unit.Code)}";
        return people.Select(p => Mail([p.Email], RequestTemplate,
            new ExtensionMailModel(p.Name, unit.Name, period.Name, asked.What, time.Describe(asked.Until), time.Describe(asked.Deadline), asked.Reason, null,
                link))).ToList();
    }

    public async Task<IReadOnlyList<WorkItem>> DecidedAsync(WorkflowInstance instance, Period period, bool granted, DateTimeOffset deadline, string reason,
        CancellationToken cancellationToken)
    {
        var unit = await catalog.GetUnitAsync(instance.UnitCode, cancellationToken);
        if (unit is null) return [];
        var people = new[] { unit.ReportingOfficer, unit.Head }.OfType<Contact>().DistinctBy(p => p.Email.ToLowerInvariant());
        var described = time.Describe(deadline);
        return people.Select(p => Mail([p.Email], DecisionTemplate, new ExtensionMailModel(p.Name, unit.Name, period.Name, "gia hạn nộp báo cáo", described,
            described, reason, granted, Root + Submissions.Form.ReportFormPage.Path))).ToList();
    }

    private static WorkItem Mail(IReadOnlyList<string> to, string template, ExtensionMailModel model) =>
        MailWork.From(to, template, model, Category).ToWorkItem();
}
