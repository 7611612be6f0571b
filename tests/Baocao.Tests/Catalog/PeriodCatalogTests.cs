using System.Net;
using Baocao.Catalog;
using Baocao.Tests.Infrastructure;

namespace Baocao.Tests.Catalog;

public sealed class PeriodCatalogTests(DemoApp app) : IClassFixture<DemoApp>
{
    private readonly HttpClient _admin = app.Admin();

    private static string Draft(string fields) => $$"""
        {
          "templateCode": "SK6T",
          "scope": { "root": "BDV-TU" },
          "stages": [ { "code": "THAM-DINH", "name": "Chuyên viên thẩm định", "assignees": [ { "name": "Nguyễn Thị Thu Hà", "email": "thuha.bdv@anhoa.example" } ] } ],
          {{fields}}
        }
        """;

    [Fact]
    public async Task Demo_period_is_open_with_the_six_month_window_and_a_near_deadline()
    {
        var period = await (await _admin.GetAsync("/api/catalog/periods/2026-H1", TestContext.Current.CancellationToken)).ReadAsAsync<Period>();
        Assert.Equal(PeriodStatus.Open, period.Status);
        Assert.Equal("Báo cáo sơ kết 6 tháng đầu năm 2026", period.Name);
        Assert.Equal(new DateOnly(2025, 12, 15), period.DataFrom);
        Assert.Equal(new DateOnly(2026, 6, 14), period.DataTo);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 17, 0, 0, TimeSpan.FromHours(7)), period.Deadline);
        Assert.Equal(TimeSpan.FromHours(7), period.Deadline.Offset);
    }

    [Theory]
    [InlineData("month", 3, "2026-M03", "Báo cáo tháng 3/2026", "2026-02-15", "2026-03-14")]
    [InlineData("quarter", 2, "2026-Q2", "Báo cáo quý II/2026", "2026-03-15", "2026-06-14")]
    [InlineData("year", null, "2026-Y", "Báo cáo tổng kết năm 2026", "2025-12-15", "2026-12-14")]
    public async Task Periods_follow_the_cut_off_convention(string type, int? number, string id, string name, string from, string to)
    {
        var numberField = number is null ? "" : $"\"number\": {number},";
        var period = await (await _admin.PostJsonAsync("/api/catalog/periods",
            Draft($"\"type\": \"{type}\", \"year\": 2026, {numberField} \"deadline\": \"2026-12-31T17:00\""))).ReadAsAsync<Period>();
        Assert.Equal(id, period.Id);
        Assert.Equal(name, period.Name);
        Assert.Equal(DateOnly.Parse(from), period.DataFrom);
        Assert.Equal(DateOnly.Parse(to), period.DataTo);
        Assert.Equal(PeriodStatus.Planned, period.Status);
        Assert.Equal(new DateTimeOffset(2026, 12, 31, 10, 0, 0, TimeSpan.Zero), period.Deadline.ToUniversalTime());
    }

    [Fact]
    public async Task Deadline_is_stored_in_utc_and_read_in_vietnam_time()
    {
        await (await _admin.PostJsonAsync("/api/catalog/periods",
            Draft("\"type\": \"month\", \"year\": 2026, \"number\": 10, \"deadline\": \"2026-10-20T08:30:00Z\""))).ReadAsAsync<Period>();
        Assert.Contains("\"deadline\":\"2026-10-20T08:30:00+00:00\"", await app.Stored.PeriodRecordAsync("2026-M10"));
        var period = await (await _admin.GetAsync("/api/catalog/periods/2026-M10", TestContext.Current.CancellationToken)).ReadAsAsync<Period>();
        Assert.Equal("2026-10-20T15:30:00.0000000+07:00", period.Deadline.ToString("O"));
    }

    [Fact]
    public async Task A_deadline_before_the_data_window_ends_is_rejected_and_nothing_is_written()
    {
        var before = await app.SnapshotAsync();
        var problem = await (await _admin.PostJsonAsync("/api/catalog/periods",
            Draft("\"type\": \"sixMonth\", \"year\": 2027, \"number\": 1, \"deadline\": \"2026-12-01T17:00\"")))
            .ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "deadline-before-window");
        Assert.Equal("/deadline", problem.Error("deadline-before-window").GetProperty("pointer").GetString());
        await app.AssertUnchangedSinceAsync(before);
    }

    [Theory]
    [InlineData("\"type\": \"month\", \"year\": 2026, \"number\": 13, \"deadline\": \"2026-12-31T17:00\"", "invalid-number")]
    [InlineData("\"type\": \"month\", \"year\": 2026, \"number\": 11, \"deadline\": \"ngày mai\"", "invalid-deadline")]
    [InlineData("\"type\": \"thematic\", \"year\": 2026, \"deadline\": \"2026-12-31T17:00\"", "missing-id")]
    [InlineData("\"type\": \"thematic\", \"year\": 2026, \"id\": \"CD-35\", \"name\": \"Chuyên đề\", \"dataFrom\": \"2026-06-01\", \"dataTo\": \"2026-01-01\", \"deadline\": \"2026-12-31T17:00\"", "window-inverted")]
    [InlineData("\"type\": \"month\", \"year\": 2026, \"number\": 11, \"templateVersion\": 9, \"deadline\": \"2026-12-31T17:00\"", "unknown-template")]
    [InlineData("\"type\": \"month\", \"year\": 2026, \"number\": 11, \"deadline\": \"2026-12-31T17:00\", \"reminders\": [ { \"offset\": \"3 ngày\", \"audience\": \"unitHead\", \"template\": \"x\" } ]", "invalid-offset")]
    public async Task An_invalid_period_is_rejected_and_nothing_is_written(string fields, string code)
    {
        var before = await app.SnapshotAsync();
        await (await _admin.PostJsonAsync("/api/catalog/periods", Draft(fields))).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, code);
        await app.AssertUnchangedSinceAsync(before);
    }

    [Theory]
    [InlineData("\"dataFrom\": \"2025-12-01\",", "/dataTo")]
    [InlineData("\"dataTo\": \"2026-11-30\",", "/dataFrom")]
    public async Task A_thematic_period_missing_one_end_of_its_data_window_names_that_end_and_nothing_is_written(string given, string missing)
    {
        var before = await app.SnapshotAsync();
        var problem = await (await _admin.PostJsonAsync("/api/catalog/periods",
            Draft($"\"type\": \"thematic\", \"year\": 2026, \"id\": \"NQ09-1-NAM\", \"name\": \"Sơ kết 1 năm thực hiện Nghị quyết số 09-NQ/TU\", {given} \"deadline\": \"2026-12-20T17:00\"")))
            .ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "missing-window");
        Assert.Equal(missing, Assert.Single(problem.GetProperty("errors").EnumerateArray()).GetProperty("pointer").GetString());
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task The_worked_thematic_example_of_the_catalogue_page_is_accepted_as_written_and_its_root_unit_does_not_report()
    {
        await (await _admin.PostJsonAsync("/api/catalog/templates", WorkedExample.Template)).ReadAsAsync<ReportTemplate>();
        var period = await (await _admin.PostJsonAsync("/api/catalog/periods", WorkedExample.Period)).ReadAsAsync<Period>();
        Assert.Equal((PeriodType.Thematic, PeriodStatus.Planned, "NQ09-SO-KET"), (period.Type, period.Status, period.TemplateCode));
        Assert.Equal((new DateOnly(2025, 12, 1), new DateOnly(2026, 11, 30)), (period.DataFrom, period.DataTo));
        Assert.Equal("2026-12-21T17:00:00.0000000+07:00", period.Deadline.ToString("O"));

        // The refusal the page quotes, for a deadline on the window's last day.
        var before = await app.SnapshotAsync();
        var early = WorkedExample.Period.Replace("\"NQ09-1-NAM\"", "\"NQ09-1-NAM-SOM\"", StringComparison.Ordinal)
            .Replace("\"2026-12-21T17:00\"", "\"2026-11-30T17:00\"", StringComparison.Ordinal);
        var problem = await (await _admin.PostJsonAsync("/api/catalog/periods", early)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "deadline-before-window");
        Assert.Equal("Hạn nộp (17:00 30/11/2026) trước khi kết thúc kỳ số liệu (30/11/2026).", problem.Error("deadline-before-window").GetProperty("detail").GetString());
        await app.AssertUnchangedSinceAsync(before);

        await (await _admin.PostAsync("/api/catalog/periods/NQ09-1-NAM/open", null, TestContext.Current.CancellationToken)).ReadAsAsync<Period>();
        await app.ReportsStartedAsync("NQ09-1-NAM");
        var reports = await (await _admin.GetAsync("/api/instances?periodId=NQ09-1-NAM", TestContext.Current.CancellationToken))
            .ReadAsAsync<List<Baocao.Workflow.WorkflowInstance>>();
        Assert.Equal(14, reports.Count);
        Assert.DoesNotContain(reports, r => r.UnitCode == "BDV-TU");
    }

    [Fact]
    public async Task A_scope_naming_an_unknown_unit_is_rejected()
    {
        var before = await app.SnapshotAsync();
        var json = Draft("\"type\": \"month\", \"year\": 2026, \"number\": 11, \"deadline\": \"2026-12-31T17:00\"")
            .Replace("\"root\": \"BDV-TU\"", "\"units\": [\"MTTQ\", \"KHONG-CO\"]", StringComparison.Ordinal);
        var problem = await (await _admin.PostJsonAsync("/api/catalog/periods", json)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown-unit");
        Assert.Equal("/scope/units/1", problem.Error("unknown-unit").GetProperty("pointer").GetString());
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task A_period_moves_planned_open_closed_and_no_other_way()
    {
        await (await _admin.PostJsonAsync("/api/catalog/periods",
            Draft("\"type\": \"quarter\", \"year\": 2026, \"number\": 4, \"deadline\": \"2026-12-20T17:00\""))).ReadAsAsync<Period>();
        await (await _admin.PostAsync("/api/catalog/periods/2026-Q4/close", null, TestContext.Current.CancellationToken))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "invalid-period-transition");
        var opened = await (await _admin.PostAsync("/api/catalog/periods/2026-Q4/open", null, TestContext.Current.CancellationToken)).ReadAsAsync<Period>();
        Assert.Equal(PeriodStatus.Open, opened.Status);
        Assert.Equal(TestApp.Start, opened.OpenedAt);
        var open = await (await _admin.GetAsync("/api/catalog/periods?status=open", TestContext.Current.CancellationToken)).ReadAsAsync<List<Period>>();
        Assert.Contains(open, p => p.Id == "2026-Q4");
        var closed = await (await _admin.PostAsync("/api/catalog/periods/2026-Q4/close", null, TestContext.Current.CancellationToken)).ReadAsAsync<Period>();
        Assert.Equal(PeriodStatus.Closed, closed.Status);
        await app.PeriodSettledAsync("2026-Q4");
        await (await _admin.PostAsync("/api/catalog/periods/2026-Q4/open", null, TestContext.Current.CancellationToken))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "invalid-period-transition");
    }

    [Fact]
    public async Task A_second_period_with_the_same_id_is_a_conflict()
    {
        var json = Draft("\"type\": \"sixMonth\", \"year\": 2026, \"number\": 1, \"deadline\": \"2026-12-31T17:00\"");
        var before = await app.SnapshotAsync();
        await (await _admin.PostJsonAsync("/api/catalog/periods", json)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "duplicate-period");
        await app.AssertUnchangedSinceAsync(before);
    }
}
