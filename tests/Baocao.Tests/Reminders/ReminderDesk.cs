using System.Globalization;
using Baocao.Catalog;
using Baocao.Demo;
using Baocao.Hosting;
using Baocao.Mail;
using Baocao.Reminders;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Reminders;

/// <summary>
/// The demo province's units, levels and template (no period: each test plans its own), 10 December 2026 a holiday,
/// and a review limit long enough to stay out of the way except in stages <c>CHAM</c> (one day) and <c>PHE-DUYET</c> (two).
/// </summary>
public sealed class ReminderApp : TestApp, IAsyncLifetime
{
    public const string Holiday = "2026-12-10";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Reminders:Holidays"] = Holiday,
        ["Reminders:ReviewLimit"] = "30.00:00:00",
        ["Reminders:StageLimits:CHAM"] = "1.00:00:00",
        ["Reminders:StageLimits:PHE-DUYET"] = "2.00:00:00",
        ["Reminders:StageLimits:PHO-BAN"] = "2.00:00:00",
    };

    public new async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var catalog = Factory.Services.GetRequiredService<CatalogService>();
        var demo = DemoSeeder.Load();
        var ct = TestContext.Current.CancellationToken;
        Assert.Null((await catalog.ReplaceLevelsAsync(demo.Levels, ct)).Problem);
        Assert.Null((await catalog.SaveUnitsAsync(demo.Units, createOnly: false, i => $"/units/{i}", null, workflow: null, ct)).Problem);
        Assert.Null((await catalog.CreateTemplateVersionAsync(demo.Template, ct)).Problem);
    }
}

/// <summary>
/// The province's side of reminders in a test: plan and open a period, move the clock to a local time, let the reports'
/// orchestrations fire what came due and run the sweep as the timer trigger would, deliver the outbox as the queue trigger would, and read the digest mails the sink received.
/// </summary>
public sealed class ReminderDesk(TestApp app)
{
    public const string Reviewer = "thuha.bdv@anhoa.example";
    public const string Leader = "tvdung.truongban@anhoa.example";

    /// <summary>A review stage and an approval stage, as the demo period has them.</summary>
    public const string TwoStages = """
        [ { "code": "THAM-DINH", "name": "Chuyên viên thẩm định", "assignees": [ { "name": "Nguyễn Thị Thu Hà", "email": "thuha.bdv@anhoa.example" } ] },
          { "code": "PHE-DUYET", "name": "Lãnh đạo Ban phê duyệt", "assignees": [ { "name": "Trần Văn Dũng", "email": "tvdung.truongban@anhoa.example" } ] } ]
        """;

    private int _seen;
    private readonly Dictionary<string, string> _names = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public HttpClient Admin { get; } = app.Admin();

    public WorkflowEngine Engine => app.Factory.Services.GetRequiredService<WorkflowEngine>();

    private PeopleTime Time => app.Factory.Services.GetRequiredService<PeopleTime>();

    public static string Step(string offset, string audience, string template) =>
        $$"""{ "offset": "{{offset}}", "audience": "{{audience}}", "template": "{{template}}" }""";

    /// <summary>
    /// Plans and opens a month period of 2026 for <paramref name="units"/>, with its deadline (local) and reminder
    /// steps; with no steps (null) the period takes its template's policy.
    /// </summary>
    public async Task<string> OpenAsync(int month, string deadline, IEnumerable<string>? reminders, string[] units, string stages = TwoStages,
        string template = "SK6T")
    {
        var policy = reminders is null ? "" : $$""", "reminders": [ {{string.Join(", ", reminders)}} ]""";
        var draft = $$"""
            { "type": "month", "year": 2026, "number": {{month}}, "templateCode": "{{template}}", "deadline": "{{deadline}}",
              "scope": { "units": [{{string.Join(",", units.Select(u => $"\"{u}\""))}}] },
              "stages": {{stages}}{{policy}} }
            """;
        var period = await (await Admin.PostJsonAsync("/api/catalog/periods", draft)).ReadAsAsync<Period>();
        (await Admin.PostAsync($"/api/catalog/periods/{period.Id}/open", null, Ct)).EnsureSuccessStatusCode();
        await app.ReportsStartedAsync(period.Id);
        _names[period.Id] = period.Name;
        return period.Id;
    }

    /// <summary>The instant of a local wall-clock time such as «2026-12-04 17:00».</summary>
    public DateTimeOffset Local(string text) =>
        Time.FromLocal(DateTime.ParseExact(text, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));

    /// <summary>Moves the clock to a local time and lets time do its work there (see <see cref="SweepAsync"/>); returns the sweep.</summary>
    public async Task<SweepResult> SweepAtAsync(string local)
    {
        app.Clock.SetUtcNow(Local(local));
        return await SweepAsync();
    }

    /// <summary>
    /// What the clock's present brings: every report's orchestration fires the timers now due, the outbox delivers the
    /// notices they recorded, and one sweep gathers them into digests, which the outbox then sends.
    /// </summary>
    public async Task<SweepResult> SweepAsync()
    {
        await app.ReportsCaughtUpAsync();
        await DeliverAllAsync();
        var result = await app.Factory.Services.GetRequiredService<TimerSweeper>().SweepAsync(Ct);
        await DeliverAllAsync();
        return result;
    }

    /// <summary>What the queue trigger does: every announced outbox delivered, until the queue is empty.</summary>
    public Task DeliverAllAsync() => app.DeliverOutboxAsync();

    /// <summary>The digest mails received since the last look that name the period (a digest may list other periods' items too).</summary>
    public async Task<IReadOnlyList<CapturedMail>> NewDigestsAsync(string periodId)
    {
        var all = await MailsAsync(ReminderMail.Category);
        var fresh = all.Skip(_seen).ToList();
        _seen = all.Count;
        return fresh.Where(m => m.Text!.Contains($"– {_names[periodId]} (", StringComparison.Ordinal)).ToList();
    }

    /// <summary>Every mail of a category the sink received so far, oldest first.</summary>
    public async Task<IReadOnlyList<CapturedMail>> MailsAsync(string category) =>
        (await app.Factory.Services.GetRequiredService<LocalMailbox>().AllAsync(Ct)).Where(m => m.Categories.Contains(category)).ToList();

    /// <summary>Who got a digest about the period since the last look, in order: a duplicate would show twice.</summary>
    public async Task<IReadOnlyList<string>> NewRecipientsAsync(string periodId) =>
        (await NewDigestsAsync(periodId)).SelectMany(m => m.To).Order(StringComparer.Ordinal).ToList();

    /// <summary>The instance's timers of a kind, by name.</summary>
    public async Task<IReadOnlyList<DurableTimer>> TimersAsync(string periodId, string unit, string kind) =>
        (await app.Factory.Services.GetRequiredService<WorkflowStore>().TimersAsync(WorkflowEngine.InstanceId(periodId, unit), Ct))
            .Select(t => t.Timer).Where(t => t.Kind == kind).OrderBy(t => t.Due).ToList();

    public async Task<WorkflowView> ViewAsync(string periodId, string unit) => (await Engine.GetAsync(WorkflowEngine.InstanceId(periodId, unit), Ct))!;

    public async Task SubmitAsync(string periodId, string unit) =>
        Assert.Equal(System.Net.HttpStatusCode.Created, (await (await Submitter.ForAsync(app, unit)).SubmitAsync(Submitter.Form(), periodId)).StatusCode);

    /// <summary>The digest partition's rows waiting (notices) and the timer index's digest entries: empty once everything was gathered.</summary>
    public Task<int> WaitingNoticesAsync() => app.Stored.WaitingNoticesAsync();
}
