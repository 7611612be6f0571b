using System.Diagnostics;
using System.Text.Json.Nodes;
using Baocao.Hosting;
using Baocao.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Hosting;

public sealed class FunctionTableTests(TestApp app) : IClassFixture<TestApp>
{
    private IReadOnlyList<HttpFunction> Table => FunctionTable.Http(app.Factory.Services.GetRequiredService<EndpointDataSource>());

    [Fact]
    public void Every_api_route_of_the_app_is_a_function_with_a_unique_name()
    {
        var table = Table;
        Assert.Equal(table.Count, table.Select(f => f.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(table, f => Assert.Matches("^[A-Za-z][A-Za-z0-9_]*$", f.Name));
        var routes = app.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => e.RoutePattern.RawText!.TrimStart('/'))
            .Where(r => r.StartsWith("api/", StringComparison.Ordinal) && !r.StartsWith("api/dev/", StringComparison.Ordinal))
            .Select(r => r["api/".Length..].TrimEnd('/'))
            .ToHashSet();
        Assert.Equal(routes, table.Select(f => f.Route).ToHashSet());
        var health = Assert.Single(table, f => f.Route == "health");
        Assert.Equal(["get"], health.Methods);
        Assert.Contains(table, f => f.Route == "catalog/units/{code}/keys/{keyId}" && f.Methods.SequenceEqual(["delete"]));
    }

    [Fact]
    public void The_local_mail_sink_never_becomes_a_function()
    {
        Assert.DoesNotContain(Table, f => f.Route.StartsWith("dev/", StringComparison.Ordinal));
    }

    [Fact]
    public void Function_json_forwards_plain_http_with_one_trigger_and_one_output()
    {
        var json = Table.Single(f => f.Route == "health").FunctionJson();
        var bindings = json["bindings"]!.AsArray();
        Assert.Equal(2, bindings.Count);
        Assert.Equal("httpTrigger", bindings[0]!["type"]!.GetValue<string>());
        Assert.Equal("anonymous", bindings[0]!["authLevel"]!.GetValue<string>());
        Assert.Equal("health", bindings[0]!["route"]!.GetValue<string>());
        Assert.Equal("http", bindings[1]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_app_executable_writes_exactly_the_function_table()
    {
        var folder = Directory.CreateTempSubdirectory("baocao-functions-").FullName;
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.Combine(Repository.Root, "functions"), RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "exec", typeof(FunctionTable).Assembly.Location, FunctionTable.GenerateArgument, folder }) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken) + await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, output);

        var written = Directory.GetDirectories(folder).Select(d => (Name: Path.GetFileName(d), Json: JsonNode.Parse(File.ReadAllText(Path.Combine(d, "function.json")))!.ToJsonString()))
            .OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        Directory.Delete(folder, recursive: true);
        // The whole table of the app as Program composes it: HTTP routes and every registered trigger function.
        var expected = FunctionTable.From(app.Factory.Services).Select(f => (f.Name, Json: f.FunctionJson().ToJsonString())).ToList();
        Assert.Equal(expected, written);
    }
}
