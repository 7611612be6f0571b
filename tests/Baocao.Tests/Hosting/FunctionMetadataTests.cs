using System.Text.Json;
using Baocao.Hosting;
using Baocao.Tests.Infrastructure;

namespace Baocao.Tests.Hosting;

/// <summary>
/// The local host serves what Azure would: the functions it found in the app (their names, triggers, routes, methods,
/// schedules, queues and durable clients) are exactly those the Worker SDK wrote into functions.metadata at build, which is what the
/// Functions host reads in Azure.
/// </summary>
public sealed class FunctionMetadataTests
{
    private static readonly string MetadataFile = Path.Combine(Repository.Root, "functions", "bin", "Debug", "net10.0", "functions.metadata");

    [Fact]
    public void The_local_host_discovers_exactly_the_functions_the_worker_sdk_declares()
    {
        var declared = Declared();
        var discovered = FunctionCatalog.Of(typeof(BaocaoApp).Assembly, Path.Combine(Repository.Root)).Functions.Select(Describe).Order().ToList();
        Assert.True(declared.Count > 30, $"only {declared.Count} functions in {MetadataFile}");
        Assert.Equal(declared, discovered);
    }

    [Fact]
    public void Every_http_function_is_anonymous_at_the_host_since_the_app_checks_its_callers_itself()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(MetadataFile));
        var levels = metadata.RootElement.EnumerateArray().SelectMany(f => f.GetProperty("bindings").EnumerateArray())
            .Where(b => b.GetProperty("type").GetString() == "httpTrigger").Select(b => b.GetProperty("authLevel").GetString()).Distinct();
        Assert.Equal(["Anonymous"], levels);
    }

    [Fact]
    public void A_json_body_is_no_binding_of_the_hosts_since_the_pipeline_reads_it()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(MetadataFile));
        var bindings = metadata.RootElement.EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!,
            f => f.GetProperty("bindings").EnumerateArray().Select(b => b.GetProperty("name").GetString()!).ToList());
        var bodies = FunctionCatalog.Of(typeof(BaocaoApp).Assembly, Repository.Root).Functions.Where(f => f.BodyParameter is not null).ToList();
        Assert.NotEmpty(bodies);
        foreach (var function in bodies) Assert.DoesNotContain(function.BodyParameter!.Name!, bindings[function.Name]);
    }

    [Fact]
    public void The_route_prefix_is_the_one_host_json_gives_the_host()
    {
        Assert.Equal("api", FunctionCatalog.Of(typeof(BaocaoApp).Assembly, Repository.Root).RoutePrefix);
    }

    private static List<string> Declared()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(MetadataFile));
        return metadata.RootElement.EnumerateArray().Select(function =>
        {
            var name = function.GetProperty("name").GetString()!;
            var bindings = function.GetProperty("bindings").EnumerateArray().ToList();
            var trigger = bindings.Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            string Text(string property) => trigger.TryGetProperty(property, out var value) ? value.GetString()! : "";
            var client = bindings.Any(b => b.GetProperty("type").GetString() == "durableClient") ? " +client" : "";
            return trigger.GetProperty("type").GetString() switch
            {
                "httpTrigger" => $"{name} http {string.Join(",", trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToLowerInvariant()).Order())} {Text("route")}",
                "timerTrigger" => $"{name} timer {Text("schedule")}",
                "queueTrigger" => $"{name} queue {Text("queueName")} {Text("connection")}",
                var other => $"{name} {other}",
            } + client;
        }).Order().ToList();
    }

    private static string Describe(FunctionDescriptor function) => function.Trigger switch
    {
        HttpFunctionTrigger http => $"{function.Name} http {string.Join(",", http.Methods.Order())} {http.Route}",
        TimerFunctionTrigger timer => $"{function.Name} timer {timer.Schedule}",
        QueueFunctionTrigger queue => $"{function.Name} queue {queue.QueueName} {queue.Connection}",
        _ => $"{function.Name} {function.Trigger.Type}",
    } + (function.DurableClientParameter is null ? "" : " +client");
}
