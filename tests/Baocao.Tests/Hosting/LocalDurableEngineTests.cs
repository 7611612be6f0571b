using Baocao.Hosting;
using Baocao.LocalHost;
using Baocao.LocalHost.Durable;
using Baocao.Storage;
using Baocao.Tests.Infrastructure;
using DurableTask.Core.Exceptions;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Baocao.Tests.Hosting;

/// <summary>
/// The local host runs orchestrator and activity functions as the Durable extension does, on DurableTask.Core over the
/// Azure Storage provider against Azurite, and hands a <c>[DurableClient]</c> parameter the official gRPC client. The
/// functions here are probes of the host, not of the app: an orchestration that waits for an answer or a time-out and
/// then has an activity phrase the result.
/// </summary>
public sealed class LocalDurableEngineTests : IAsyncLifetime
{
    private LocalAzurite _azurite = null!;
    private IHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _azurite = await TestApp.StartAzuriteOnFreePortsAsync();
        _host = await DurableEngineSetup.StartEngineHostAsync(typeof(DurableProbeFunctions).Assembly, _azurite.ConnectionString, new Dictionary<string, string>
        {
            ["hubName"] = "EngineProbe",
            // Seconds, not host.json's minute: an idle queue is polled again soon after the test raises an event.
            ["storageProvider:maxQueuePollingInterval"] = "00:00:01",
        }, storagePolicy: null, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
        await _azurite.DisposeAsync();
    }

    private Task<DurableTaskClient> ClientAsync() =>
        _host.Services.GetRequiredService<LocalDurableEngine>().ClientAsync(TestContext.Current.CancellationToken);

    [Fact]
    public async Task An_orchestration_takes_its_input_waits_for_an_event_and_completes_with_its_activitys_output()
    {
        var client = await ClientAsync();
        var ct = TestContext.Current.CancellationToken;
        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(DurableProbeFunctions.ProbeOrchestration),
            new ProbeQuestion("Huyện ủy Đông Sơn", TimeoutSeconds: 60), new StartOrchestrationOptions("probe~answered"), ct);
        await WaitUntilRunningAsync(client, id);
        await client.RaiseEventAsync(id, DurableProbeFunctions.AnswerEvent, "đã nộp", ct);

        var done = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, ct);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("Huyện ủy Đông Sơn: đã nộp", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task A_durable_timer_fires_when_no_event_comes()
    {
        var client = await ClientAsync();
        var ct = TestContext.Current.CancellationToken;
        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(DurableProbeFunctions.ProbeOrchestration),
            new ProbeQuestion("Hội Nông dân", TimeoutSeconds: 2), new StartOrchestrationOptions("probe~timed-out"), ct);

        var done = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, ct);
        Assert.Equal("Hội Nông dân: không trả lời", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Starting_an_id_that_is_running_is_refused_as_durable_functions_refuses_it()
    {
        var client = await ClientAsync();
        var ct = TestContext.Current.CancellationToken;
        var options = new StartOrchestrationOptions("probe~twice")
            .WithDedupeStatuses(OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended);
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(DurableProbeFunctions.ProbeOrchestration), new ProbeQuestion("MTTQ", 60), options, ct);
        await WaitUntilRunningAsync(client, "probe~twice");

        await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(() =>
            client.ScheduleNewOrchestrationInstanceAsync(nameof(DurableProbeFunctions.ProbeOrchestration), new ProbeQuestion("MTTQ", 60), options, ct));
        var instance = await client.GetInstanceAsync("probe~twice", getInputsAndOutputs: true, ct);
        Assert.Equal(OrchestrationRuntimeStatus.Running, instance!.RuntimeStatus);
    }

    [Fact]
    public async Task A_function_with_a_durable_client_parameter_gets_the_engines_client()
    {
        var catalog = _host.Services.GetRequiredService<FunctionCatalog>();
        var starter = catalog.Functions.Single(f => f.Name == nameof(DurableProbeFunctions.ProbeStarter));
        var http = new DefaultHttpContext { RequestServices = _host.Services };
        http.Request.QueryString = new QueryString("?unit=HLHPN");

        var id = (string?)await _host.Services.GetRequiredService<FunctionInvoker>().InvokeAsync(starter, _host.Services, http.Request,
            new Dictionary<string, object?>(), TestContext.Current.CancellationToken);

        Assert.Equal("probe~HLHPN", id);
        var client = await ClientAsync();
        await WaitUntilRunningAsync(client, id!);
    }

    [Fact]
    public void The_engine_reads_host_jsons_durable_section_with_durable_functions_defaults_for_what_it_leaves_out()
    {
        var settings = DurableSettings.Read(new HostJsonSection(path => path switch
        {
            "extensions:durableTask:hubName" => "Baocao",
            "extensions:durableTask:storageProvider:partitionCount" => "2",
            "extensions:durableTask:storageProvider:maxQueuePollingInterval" => "00:00:10",
            _ => null,
        }, "extensions:durableTask"));

        Assert.Equal(DurableSettings.Defaults with { HubName = "Baocao", PartitionCount = 2, MaxQueuePollingInterval = TimeSpan.FromSeconds(10) }, settings);
        var provider = settings.ForProvider(_azurite.ConnectionString, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        Assert.Equal(("Baocao", 2, TimeSpan.FromSeconds(10), true), (provider.TaskHubName, provider.PartitionCount, provider.MaxQueuePollingInterval,
            provider.ThrowExceptionOnInvalidDedupeStatus));
    }

    private static async Task WaitUntilRunningAsync(DurableTaskClient client, string id)
    {
        var started = await client.WaitForInstanceStartAsync(id, TestContext.Current.CancellationToken);
        Assert.Equal(OrchestrationRuntimeStatus.Running, started.RuntimeStatus);
    }
}

public sealed record ProbeQuestion(string Unit, int TimeoutSeconds);

public sealed record ProbeAnswer(string Unit, string? Answer);

/// <summary>Functions that exercise the local host's durable engine.</summary>
public static class DurableProbeFunctions
{
    public const string AnswerEvent = "Answer";

    [Function(nameof(ProbeOrchestration))]
    public static async Task<string> ProbeOrchestration([OrchestrationTrigger] TaskOrchestrationContext context, ProbeQuestion question)
    {
        using var timeout = new CancellationTokenSource();
        var answer = context.WaitForExternalEvent<string>(AnswerEvent, timeout.Token);
        var timer = context.CreateTimer(context.CurrentUtcDateTime.AddSeconds(question.TimeoutSeconds), timeout.Token);
        var first = await Task.WhenAny(answer, timer);
        timeout.Cancel();
        return await context.CallActivityAsync<string>(nameof(ProbePhrase), new ProbeAnswer(question.Unit, first == answer ? answer.Result : null));
    }

    [Function(nameof(ProbePhrase))]
    public static string ProbePhrase([ActivityTrigger] ProbeAnswer answer) => $"{answer.Unit}: {answer.Answer ?? "không trả lời"}";

    [Function(nameof(ProbeStarter))]
    public static Task<string> ProbeStarter([HttpTrigger("post", Route = "probe")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        client.ScheduleNewOrchestrationInstanceAsync(nameof(ProbeOrchestration), new ProbeQuestion(request.Query["unit"]!, 60),
            new StartOrchestrationOptions($"probe~{request.Query["unit"]}"));
}
