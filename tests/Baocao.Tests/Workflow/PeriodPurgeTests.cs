using System.Net;
using Baocao.Catalog;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Workflow;

public sealed class PeriodPurgeTests(DemoApp app) : IClassFixture<DemoApp>
{
    private const string DemoPeriod = "2026-H1";

    private readonly HttpClient _admin = app.Admin();
    private readonly WorkflowStore _store = app.Factory.Services.GetRequiredService<WorkflowStore>();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<string> OpenMonthAsync(int month, params string[] units) => app.OpenMonthAsync(month, units);

    private async Task CloseAsync(string periodId)
    {
        (await _admin.PostAsync($"/api/catalog/periods/{periodId}/close", null, Ct)).EnsureSuccessStatusCode();
        await app.PeriodSettledAsync(periodId);
    }

    private async Task SubmitWithAttachmentAsync(string unit, string periodId)
    {
        var submitter = await Submitter.ForAsync(app, unit);
        (await submitter.SubmitAsync(Submitter.Form(Submitter.GoodReport, ("bien-ban-hoi-nghi.pdf", Submitter.Pdf(4096))), periodId)).EnsureSuccessStatusCode();
    }

    private Task<IReadOnlyList<StoredRow>> RowsOfAsync(string periodId) => app.Stored.RowsOfPeriodAsync(periodId);

    /// <summary>The report orchestrations of the period in the task hub.</summary>
    private async Task<List<string>> ReportOrchestrationsOfAsync(string periodId)
    {
        var found = new List<string>();
        var query = new Microsoft.DurableTask.Client.OrchestrationQuery { InstanceIdPrefix = periodId + "~" };
        await foreach (var o in (await app.DurableClientAsync()).GetAllInstancesAsync(query)) found.Add(o.InstanceId);
        return found;
    }

    [Fact]
    public async Task Purging_a_closed_and_exported_period_removes_its_orchestrations_instances_timers_and_attachments_and_keeps_a_record()
    {
        var periodId = await OpenMonthAsync(6, "HND", "HCCB");
        await SubmitWithAttachmentAsync("HND", periodId);
        await SubmitWithAttachmentAsync("HND", DemoPeriod);
        await CloseAsync(periodId);
        await app.Stored.PutExportAsync($"{periodId}/tong-hop.xlsx", BinaryData.FromString("PK"));
        var demoRows = await RowsOfAsync(DemoPeriod);
        var demoBlobs = await app.Stored.AttachmentsAsync(DemoPeriod + "/");
        Assert.NotEmpty(await RowsOfAsync(periodId));
        Assert.Equal([$"{periodId}~HCCB", $"{periodId}~HND"], (await ReportOrchestrationsOfAsync(periodId)).Order());
        Assert.Single(await app.Stored.AttachmentsAsync(periodId + "/"));
        // Deadlines, the reminders still ahead of HCCB and HND's wait for review, which keeps HND's orchestration waiting.
        var timers = (await app.Stored.TimersOfPeriodAsync(periodId)).Count;
        Assert.True(timers > 2, $"{timers} timers");

        var record = await (await _admin.DeleteAsync($"/api/instances?periodId={periodId.ToLowerInvariant()}", Ct)).ReadAsAsync<PurgeRecord>();

        Assert.Equal((periodId, 2, timers, 1, $"{periodId}/tong-hop.xlsx", false, WorkflowApi.AdminActor),
            (record.PeriodId, record.Instances, record.Timers, record.Blobs, record.Export, record.Confirmed, record.Actor));
        Assert.Empty(await RowsOfAsync(periodId));
        Assert.Empty(await ReportOrchestrationsOfAsync(periodId));
        Assert.Empty(await app.Stored.AttachmentsAsync(periodId + "/"));
        Assert.Single(await app.Stored.ExportsAsync(periodId + "/"));
        Assert.Equal(demoRows, await RowsOfAsync(DemoPeriod));
        Assert.Equal(demoBlobs, await app.Stored.AttachmentsAsync(DemoPeriod + "/"));
        Assert.Equal(record, Assert.Single(await _store.PurgeRecordsAsync(periodId, Ct)));
        Assert.Equal("closed", (await _store.PeriodCompletionAsync(periodId, Ct))!.Value.Reason);
        Assert.Null(await (await app.DurableClientAsync()).GetInstanceAsync(PeriodOrchestration.InstanceId(periodId), Ct));

        // Purging again, as after an interruption, finds nothing left and records that too.
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var again = await (await _admin.DeleteAsync($"/api/instances?periodId={periodId}", Ct)).ReadAsAsync<PurgeRecord>();
        Assert.Equal((0, 0, 0, 0), (again.Instances, again.Rows, again.Timers, again.Blobs));
        Assert.Equal(2, (await _store.PurgeRecordsAsync(periodId, Ct)).Count);
    }

    [Fact]
    public async Task A_closed_period_without_an_export_is_purged_only_with_an_explicit_confirmation()
    {
        var periodId = await OpenMonthAsync(7, "MTTQ");
        await CloseAsync(periodId);
        var before = await app.SnapshotAsync();

        var refused = await (await _admin.DeleteAsync($"/api/instances?periodId={periodId}", Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "export-missing");
        await (await _admin.DeleteAsync($"/api/instances?periodId={periodId}&confirm=false", Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "export-missing");
        Assert.Contains("confirm=true", refused.GetProperty("detail").GetString());
        await app.AssertUnchangedSinceAsync(before);

        var record = await (await _admin.DeleteAsync($"/api/instances?periodId={periodId}&confirm=true", Ct)).ReadAsAsync<PurgeRecord>();

        Assert.Equal((1, (string?)null, true), (record.Instances, record.Export, record.Confirmed));
        Assert.Empty(await RowsOfAsync(periodId));
    }

    [Fact]
    public async Task A_period_whose_close_is_still_being_carried_out_is_not_purged_until_it_is_done()
    {
        var periodId = await OpenMonthAsync(8, "LDLD");
        // Closed by a process that died before it could signal the period's orchestration, which still waits.
        Assert.Null((await app.Factory.Services.GetRequiredService<CatalogService>().MovePeriodAsync(periodId, PeriodStatus.Closed, workflow: null, Ct)).Problem);
        var before = await app.SnapshotAsync();

        var refused = await (await _admin.DeleteAsync($"/api/instances?periodId={periodId}&confirm=true", Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "period-closing");
        Assert.Contains("đang đánh dấu các báo cáo chưa nộp", refused.GetProperty("detail").GetString());
        await app.AssertUnchangedSinceAsync(before);

        // The reconciler finds the closed period's orchestration still waiting and signals it; the close then completes.
        await app.ReconcilePeriodsAsync();
        await app.PeriodSettledAsync(periodId);
        Assert.True((await app.Factory.Services.GetRequiredService<WorkflowEngine>().GetAsync(WorkflowEngine.InstanceId(periodId, "LDLD"), Ct))!.Instance.Missed);
        var record = await (await _admin.DeleteAsync($"/api/instances?periodId={periodId}&confirm=true", Ct)).ReadAsAsync<PurgeRecord>();
        Assert.Equal(1, record.Instances);
    }

    [Fact]
    public async Task Purging_an_open_or_unknown_period_or_none_is_refused_and_writes_nothing()
    {
        var before = await app.SnapshotAsync();

        await (await _admin.DeleteAsync($"/api/instances?periodId={DemoPeriod}&confirm=true", Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "period-not-closed");
        await (await _admin.DeleteAsync("/api/instances?periodId=2019-H1&confirm=true", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await _admin.DeleteAsync("/api/instances?confirm=true", Ct)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "period-required");
        await (await _admin.DeleteAsync($"/api/instances?periodId={DemoPeriod}&confirm=maybe", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await app.Anonymous().DeleteAsync($"/api/instances?periodId={DemoPeriod}&confirm=true", Ct)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);

        await app.AssertUnchangedSinceAsync(before);
    }
}
