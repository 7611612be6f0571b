using System.Net;
using Baocao.Catalog;
using Baocao.Reminders;
using Baocao.Tests.Infrastructure;

namespace Baocao.Tests.Reminders;

/// <summary>A template carries the reminder policy its periods get when they name none; a period's own policy wins.</summary>
public sealed class TemplateReminderPolicyTests(ReminderApp app) : IClassFixture<ReminderApp>
{
    private readonly ReminderDesk _desk = new(app);

    private static string Template(string code, string reminders) => $$"""
        { "code": "{{code}}", "name": "Báo cáo chuyên đề dân vận khéo",
          "sections": [ { "code": "KET-QUA", "title": "Kết quả thực hiện", "narrativeRequired": true } ],
          "reminders": {{reminders}} }
        """;

    [Fact]
    public async Task Periods_without_a_policy_take_their_templates_own_and_a_periods_policy_wins()
    {
        var created = await (await _desk.Admin.PostJsonAsync("/api/catalog/templates", Template("DVK",
            $"[ {ReminderDesk.Step("-P2D", "unitReportingOfficer", "reminder-before")}, {ReminderDesk.Step("P1D", "unitHead", "escalation")} ]")))
            .ReadAsAsync<ReportTemplate>();
        Assert.Equal(["-P2D", "P1D"], created.DefaultReminders.Select(r => r.Offset));

        // Deadline Wednesday 16 December 17:00: two days before is Monday, a day after is Thursday.
        var thematic = await _desk.OpenAsync(1, "2026-12-16T17:00", null, ["HND"], template: "DVK");
        Assert.Equal([_desk.Local("2026-12-14 17:00"), _desk.Local("2026-12-17 17:00")],
            (await _desk.TimersAsync(thematic, "HND", ReminderTimer.Name)).Select(t => t.Due));

        // A template without a policy gives the standard six steps; a period that names none of its own has none.
        var monthly = await _desk.OpenAsync(2, "2026-12-16T17:00", null, ["HND"]);
        Assert.Equal(PeriodCalendar.DefaultReminders.Count, (await _desk.TimersAsync(monthly, "HND", ReminderTimer.Name)).Count);
        var quiet = await _desk.OpenAsync(3, "2026-12-16T17:00", [], ["HND"], template: "DVK");
        Assert.Empty(await _desk.TimersAsync(quiet, "HND", ReminderTimer.Name));
    }

    [Fact]
    public async Task A_template_with_a_bad_policy_is_refused_and_nothing_is_written()
    {
        var before = await app.SnapshotAsync();
        var problem = await (await _desk.Admin.PostJsonAsync("/api/catalog/templates", Template("DVK-LOI",
            $"[ {ReminderDesk.Step("ba ngày trước", "unitReportingOfficer", "reminder-before")}, {ReminderDesk.Step("P1D", "unitHead", "thu-moi")} ]")))
            .ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-offset");
        Assert.Equal("/reminders/0/offset", problem.Error("invalid-offset").GetProperty("pointer").GetString());
        Assert.Equal("/reminders/1/template", problem.Error("unknown-template").GetProperty("pointer").GetString());
        await (await _desk.Admin.PostJsonAsync("/api/catalog/templates", Template("DVK-LOI",
            $"[ {ReminderDesk.Step("P1D", "nobody", "escalation")} ]"))).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await app.AssertUnchangedSinceAsync(before);
    }
}
