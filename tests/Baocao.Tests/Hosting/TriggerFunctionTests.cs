using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Http;
using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Baocao.Hosting;
using Baocao.Storage;
using Baocao.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Hosting;

/// <summary>
/// The app with two trigger functions registered the way features register theirs, and handlers that write to
/// Azurite, so an invocation is seen end to end: host payload in, storage written, host response out.
/// </summary>
public sealed class TriggerApp : TestApp
{
    public const string Sweep = "TestSweep";
    public const string Dispatch = "TestDispatch";
    public const string Table = "triggertests";

    protected override void AddServices(IServiceCollection services)
    {
        services.AddSingleton<TestSweeper>().AddSingleton<TestDispatcher>();
        services.AddTimerFunction(Sweep, TriggerSettings.TimerSweepSchedule, (TestSweeper sweeper, CancellationToken ct) => sweeper.SweepAsync(ct));
        services.AddQueueFunction(Dispatch, StorageNames.OutboxQueue, (TestDispatcher dispatcher, string message, CancellationToken ct) => dispatcher.DispatchAsync(message, ct));
    }
}

public sealed record SweepResult(int Swept);

public sealed class TestSweeper(TableServiceClient tables)
{
    public async Task<SweepResult> SweepAsync(CancellationToken ct)
    {
        var table = tables.GetTableClient(TriggerApp.Table);
        await table.CreateIfNotExistsAsync(ct);
        await table.UpsertEntityAsync(new TableEntity("sweep", Guid.NewGuid().ToString("n")), cancellationToken: ct);
        var count = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(e => e.PartitionKey == "sweep", cancellationToken: ct)) count++;
        return new SweepResult(count);
    }
}

/// <summary>Records each message it is given; a message asking to fail throws, as a failed delivery does.</summary>
public sealed class TestDispatcher(TableServiceClient tables)
{
    public async Task DispatchAsync(string message, CancellationToken ct)
    {
        if (message.Contains("fail", StringComparison.Ordinal)) throw new InvalidOperationException("SendGrid answered 503");
        var table = tables.GetTableClient(TriggerApp.Table);
        await table.CreateIfNotExistsAsync(ct);
        await table.UpsertEntityAsync(new TableEntity("dispatch", Guid.NewGuid().ToString("n")) { ["Message"] = message }, cancellationToken: ct);
    }
}

public sealed class TriggerFunctionTests(TriggerApp app) : IClassFixture<TriggerApp>
{
    private static readonly string TimerPayload = FunctionsHost.TimerPayload(TriggerApp.Sweep);

    private static string QueuePayload(string data) => FunctionsHost.QueuePayload(TriggerApp.Dispatch, data);

    private async Task<(HttpStatusCode Status, JsonElement Body)> InvokeAsync(string function, string payload)
    {
        using var client = app.Anonymous();
        return await FunctionsHost.InvokeAsync(client, function, payload);
    }

    private async Task<List<string>> DispatchedAsync()
    {
        var table = app.Tables.GetTableClient(TriggerApp.Table);
        await table.CreateIfNotExistsAsync(TestContext.Current.CancellationToken);
        var messages = new List<string>();
        await foreach (var e in table.QueryAsync<TableEntity>(e => e.PartitionKey == "dispatch", cancellationToken: TestContext.Current.CancellationToken))
        {
            messages.Add(e.GetString("Message"));
        }
        return messages;
    }

    [Fact]
    public async Task A_timer_invocation_runs_the_handler_against_storage_and_answers_in_the_host_shape()
    {
        var (status, body) = await InvokeAsync(TriggerApp.Sweep, TimerPayload);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(JsonValueKind.Object, body.GetProperty("Outputs").ValueKind);
        Assert.Contains("TestSweep succeeded", Assert.Single(body.GetProperty("Logs").EnumerateArray()).GetString());
        Assert.True(body.GetProperty("ReturnValue").GetProperty("swept").GetInt32() >= 1);
    }

    [Theory]
    [InlineData("outbox-item-1", FunctionsHost.Encoding.StringDataType)]
    [InlineData("{\"id\":\"m-2\",\"kind\":\"mail\",\"title\":\"Báo cáo sơ kết\"}", FunctionsHost.Encoding.StringDataType)]
    [InlineData("{\"id\":\"m-3\",\"title\":\"Báo cáo sơ kết\"}", FunctionsHost.Encoding.BinaryDataType)]
    [InlineData("plain text, không dấu hay có dấu", FunctionsHost.Encoding.BinaryDataType)]
    [InlineData("{\"id\":\"m-5\"}", FunctionsHost.Encoding.RawJson)]
    public async Task A_queue_invocation_hands_the_handler_the_message_text_whatever_the_host_encoding(string message, FunctionsHost.Encoding encoding)
    {
        var (status, body) = await InvokeAsync(TriggerApp.Dispatch, QueuePayload(FunctionsHost.Data(message, encoding)));
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("ReturnValue").ValueKind);
        Assert.Contains(message, await DispatchedAsync());
    }

    [Fact]
    public void A_json_message_sent_as_a_string_holding_json_is_read_as_that_json()
    {
        using var document = JsonDocument.Parse(JsonSerializer.Serialize("{\"id\":\"m-6\"}"));
        Assert.Equal("{\"id\":\"m-6\"}", TriggerInvocations.QueueMessage(document.RootElement));
    }

    [Fact]
    public async Task A_failing_handler_fails_the_invocation_so_the_host_retries_and_poisons()
    {
        var before = (await DispatchedAsync()).Count;
        var (status, body) = await InvokeAsync(TriggerApp.Dispatch, QueuePayload(FunctionsHost.Data("please fail", FunctionsHost.Encoding.StringDataType)));
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Contains("SendGrid answered 503", Assert.Single(body.GetProperty("Logs").EnumerateArray()).GetString());
        Assert.Equal(JsonValueKind.Object, body.GetProperty("Outputs").ValueKind);
        Assert.Equal(before, (await DispatchedAsync()).Count);
    }

    [Fact]
    public async Task Each_invocation_is_counted_by_function_and_outcome()
    {
        var outcomes = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == BaocaoMetrics.MeterName && instrument.Name == "baocao.function.invocations") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var values = tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString());
            if (values["function"] == TriggerApp.Dispatch) outcomes.Add(values["outcome"]!);
        });
        listener.Start();

        await InvokeAsync(TriggerApp.Dispatch, QueuePayload(FunctionsHost.Data("counted", FunctionsHost.Encoding.StringDataType)));
        await InvokeAsync(TriggerApp.Dispatch, QueuePayload(FunctionsHost.Data("counted, then fail", FunctionsHost.Encoding.StringDataType)));

        Assert.Contains("success", outcomes);
        Assert.Contains("failure", outcomes);
    }

    [Fact]
    public async Task A_payload_without_the_binding_is_refused_in_the_host_shape()
    {
        var (status, body) = await InvokeAsync(TriggerApp.Dispatch, """{"Data":{"other":"x"},"Metadata":{}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Data.message", body.GetProperty("Logs")[0].GetString());
    }

    [Fact]
    public async Task An_invocation_from_anywhere_but_the_hosts_loopback_is_told_nothing_is_there()
    {
        var before = await DispatchedAsync();
        var context = await app.Factory.Server.SendAsync(c =>
        {
            c.Connection.RemoteIpAddress = System.Net.IPAddress.Parse("203.0.113.9");
            c.Request.Method = "POST";
            c.Request.Path = "/" + TriggerApp.Dispatch;
            c.Request.ContentType = "application/json";
            c.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(QueuePayload("\"từ xa\"")));
        }, TestContext.Current.CancellationToken);
        Assert.Equal(StatusCodes.Status404NotFound, context.Response.StatusCode);
        Assert.Equal(before, await DispatchedAsync());
    }

    [Fact]
    public async Task Invocation_routes_are_not_functions_nor_in_the_api_nor_in_openapi()
    {
        var table = FunctionTable.From(app.Factory.Services);
        Assert.DoesNotContain(table.OfType<HttpFunction>(), f => f.Route.Contains(TriggerApp.Sweep, StringComparison.OrdinalIgnoreCase));
        using var client = app.Anonymous();
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/" + TriggerApp.Sweep, new StringContent(TimerPayload), TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await client.GetAsync("/" + TriggerApp.Sweep, TestContext.Current.CancellationToken)).StatusCode);
        var openApi = await client.GetStringAsync("/api/openapi/v1.json", TestContext.Current.CancellationToken);
        Assert.DoesNotContain(TriggerApp.Sweep, openApi);
    }

    [Fact]
    public void Trigger_functions_are_in_the_one_table_with_their_bindings()
    {
        var table = FunctionTable.From(app.Factory.Services);
        Assert.Equal(table.Count, table.Select(f => f.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        var timer = Assert.Single(table.Single(f => f.Name == TriggerApp.Sweep).FunctionJson()["bindings"]!.AsArray())!;
        Assert.Equal("timerTrigger", timer["type"]!.GetValue<string>());
        Assert.Equal("timer", timer["name"]!.GetValue<string>());
        Assert.Equal("%" + TriggerSettings.TimerSweepSchedule + "%", timer["schedule"]!.GetValue<string>());
        var queue = Assert.Single(table.Single(f => f.Name == TriggerApp.Dispatch).FunctionJson()["bindings"]!.AsArray())!;
        Assert.Equal("queueTrigger", queue["type"]!.GetValue<string>());
        Assert.Equal("message", queue["name"]!.GetValue<string>());
        Assert.Equal(StorageNames.OutboxQueue, queue["queueName"]!.GetValue<string>());
        Assert.Equal("AzureWebJobsStorage", queue["connection"]!.GetValue<string>());
    }

    [Fact]
    public void Written_function_folders_hold_the_trigger_functions()
    {
        var folder = Directory.CreateTempSubdirectory("baocao-triggers-").FullName;
        try
        {
            var table = FunctionTable.From(app.Factory.Services);
            FunctionTable.Write(table, folder);
            foreach (var name in new[] { TriggerApp.Sweep, TriggerApp.Dispatch })
            {
                var written = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(folder, name, "function.json")))!.ToJsonString();
                Assert.Equal(table.Single(f => f.Name == name).FunctionJson().ToJsonString(), written);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Every_app_setting_a_binding_names_is_in_the_sample()
    {
        var sample = LocalSettings.ReadValues(Path.Combine(Repository.Root, LocalSettings.SampleFile));
        var named = FunctionTable.From(app.Factory.Services)
            .SelectMany(f => System.Text.RegularExpressions.Regex.Matches(f.FunctionJson().ToJsonString(), "%([^%\"]+)%").Select(m => m.Groups[1].Value))
            .ToList();
        Assert.Contains(TriggerSettings.TimerSweepSchedule, named);
        Assert.All(named, setting => Assert.True(sample.TryGetValue(setting, out var value) && value.Length > 0, $"local.settings.sample.json lacks {setting}"));
    }
}
