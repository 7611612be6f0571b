using Baocao.Tests.Infrastructure;
using Baocao.Workflow;

namespace Baocao.Tests.Reminders;

/// <summary>Reminders about a report follow its people: a stage an admin reassigned reminds the new person, not the old.</summary>
public sealed class ReassignedReminderTests(ReminderApp app) : IClassFixture<ReminderApp>
{
    private readonly ReminderDesk _desk = new(app);

    private const string SlowStages = """
        [ { "code": "CHAM", "name": "Chuyên viên thẩm định", "assignees": [ { "name": "Nguyễn Thị Thu Hà", "email": "thuha.bdv@anhoa.example" } ] },
          { "code": "PHE-DUYET", "name": "Lãnh đạo Ban phê duyệt", "assignees": [ { "name": "Trần Văn Dũng", "email": "tvdung.truongban@anhoa.example" } ] } ]
        """;

    [Fact]
    public async Task A_reassigned_stage_reminds_the_person_it_was_given_to()
    {
        var period = await _desk.OpenAsync(4, "2026-12-18T17:00", [], ["HND", "HCCB"], SlowStages);
        await _desk.SubmitAsync(period, "HND");
        await _desk.SubmitAsync(period, "HCCB");
        (await _desk.Admin.PostJsonAsync($"/api/instances/{WorkflowEngine.InstanceId(period, "HND")}/reassign",
            """{ "to": { "name": "Phạm Minh Khoa", "email": "khoa.bdv@anhoa.example" }, "reason": "Chị Thu Hà đi công tác." }""")).EnsureSuccessStatusCode();

        // A day later both wait past the limit: each reviewer hears of the report that is theirs now.
        await _desk.SweepAtAsync("2026-11-25 09:00");
        var digests = await _desk.NewDigestsAsync(period);
        Assert.Equal(["khoa.bdv@anhoa.example", ReminderDesk.Reviewer], digests.SelectMany(d => d.To).Order(StringComparer.Ordinal));
        var khoa = digests.Single(d => d.To.Single() == "khoa.bdv@anhoa.example");
        Assert.Contains("Kính gửi Phạm Minh Khoa,", khoa.Text, StringComparison.Ordinal);
        Assert.Contains("- Hội Nông dân tỉnh", khoa.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Hội Nông dân tỉnh", digests.Single(d => d.To.Single() == ReminderDesk.Reviewer).Text, StringComparison.Ordinal);
    }
}
