using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Baocao.Hosting;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Hosting;

/// <summary>The workflow's own metrics, as telemetry exports them, recorded by the features that do the work.</summary>
public sealed class WorkflowMetricsTests(DemoApp app) : IClassFixture<DemoApp>
{
    [Fact]
    public async Task A_submission_records_the_submission_its_transition_the_mail_and_the_outbox_lag()
    {
        // Only this app's meters: other test classes run their own apps at the same time.
        var factory = app.Factory.Services.GetRequiredService<IMeterFactory>();
        var seen = new ConcurrentBag<(string Instrument, double Value, string Tags)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == BaocaoMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory)) l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => seen.Add((i.Name, v, string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}")))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => seen.Add((i.Name, v, string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}")))));
        listener.Start();

        var unit = await Submitter.ForAsync(app, "HU-DONGSON");
        await (await unit.SubmitAsync(Submitter.Form())).ReadAsAsync<Baocao.Submissions.SubmissionReceipt>();
        await app.Factory.Services.GetRequiredService<OutboxDispatcher>().DispatchAsync(OutboxQueue.Encode(new OutboxMessage("2026-H1~HU-DONGSON")), await app.DurableClientAsync(), TestContext.Current.CancellationToken);

        Assert.Contains(("baocao.submissions", 1d, "outcome=accepted"), seen);
        Assert.Contains(("baocao.workflow.transitions", 1d, "trigger=Submit,state=submitted"), seen);
        Assert.Contains(seen, m => m.Instrument == "baocao.mails" && m.Tags == "outcome=sent");
        Assert.Contains(seen, m => m.Instrument == "baocao.outbox.lag" && m.Value >= 0);
    }
}
