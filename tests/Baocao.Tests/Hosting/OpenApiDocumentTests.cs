using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Hosting;

/// <summary>The API's document as a person reads it: what a request may carry, an example to start from, plain sentences.</summary>
public sealed partial class OpenApiDocumentTests(DemoApp app) : IClassFixture<DemoApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<JsonElement> DocumentAsync() =>
        JsonDocument.Parse(await app.Anonymous().GetStringAsync("/api/openapi/v1.json", Ct)).RootElement;

    private static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject().SelectMany(path =>
            path.Value.EnumerateObject().Select(method => (path.Name, method.Name, method.Value)));

    private static IEnumerable<(string Name, string Path, string Method, JsonElement Body)> RequestBodies(JsonElement document) =>
        Operations(document).Where(o => o.Operation.TryGetProperty("requestBody", out _))
            .Select(o => (o.Operation.GetProperty("operationId").GetString()!, o.Path, o.Method, o.Operation.GetProperty("requestBody")));

    /// <summary>Every property name a schema allows, following its references.</summary>
    private static HashSet<string> PropertyNames(JsonElement schema, JsonElement document)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Walk(JsonElement node)
        {
            if (node.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in node.EnumerateArray()) Walk(item);
                return;
            }
            if (node.ValueKind != JsonValueKind.Object) return;
            if (node.TryGetProperty("$ref", out var reference))
            {
                var id = reference.GetString()!.Split('/')[^1];
                if (seen.Add(id)) Walk(document.GetProperty("components").GetProperty("schemas").GetProperty(id));
            }
            if (node.TryGetProperty("properties", out var properties))
            {
                foreach (var property in properties.EnumerateObject())
                {
                    names.Add(property.Name);
                    if (property.Value.TryGetProperty("readOnly", out var readOnly) && readOnly.GetBoolean()) names.Add("readOnly:" + property.Name);
                    Walk(property.Value);
                }
            }
            foreach (var key in new[] { "items", "additionalProperties", "allOf", "anyOf", "oneOf" })
            {
                if (node.TryGetProperty(key, out var child)) Walk(child);
            }
        }
        Walk(schema);
        return names;
    }

    [Fact]
    public async Task Request_schemas_offer_only_what_the_server_reads()
    {
        var document = await DocumentAsync();
        var computed = new Dictionary<string, string[]>
        {
            // Indicator.IsNumeric and IsDerived, TemplateSection.IndicatorList; the version and its time are the server's.
            ["CreateTemplate"] = ["isNumeric", "isDerived", "indicatorList", "version", "createdAt", "defaultReminders"],
            // A period's status and its times are set by opening and closing it.
            ["CreatePeriod"] = ["status", "createdAt", "openedAt", "closedAt"],
            ["SubmitReport"] = ["version", "receivedAt", "receipt", "late"],
        };
        var bodies = RequestBodies(document).ToList();
        foreach (var (name, forbidden) in computed)
        {
            var body = bodies.Single(b => b.Name == name).Body;
            foreach (var media in body.GetProperty("content").EnumerateObject())
            {
                var offered = PropertyNames(media.Value.GetProperty("schema"), document);
                Assert.Empty(forbidden.Intersect(offered));
            }
        }
        foreach (var (name, _, _, body) in bodies)
        {
            foreach (var media in body.GetProperty("content").EnumerateObject())
            {
                var readOnly = PropertyNames(media.Value.GetProperty("schema"), document).Where(n => n.StartsWith("readOnly:", StringComparison.Ordinal));
                Assert.True(!readOnly.Any(), $"{name} ({media.Name}) offers read-only {string.Join(", ", readOnly)}");
            }
        }
        // The answers still carry what the server computes, marked read-only.
        var answered = PropertyNames(document.GetProperty("components").GetProperty("schemas").GetProperty("ReportTemplate"), document);
        Assert.Contains("readOnly:isNumeric", answered);
        Assert.Contains("readOnly:indicatorList", answered);
        // A [DurableClient] the host binds is nobody's request body.
        Assert.False(document.GetProperty("components").GetProperty("schemas").TryGetProperty("DurableTaskClient", out _));
        Assert.Equal("#/components/schemas/OrgUnit", bodies.Single(b => b.Name == "CreateUnit").Body
            .GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        foreach (var name in new[] { "OpenPeriod", "ClosePeriod", "PurgeInstances" })
        {
            Assert.DoesNotContain(bodies, b => b.Name == name);
        }
    }

    [Fact]
    public async Task Every_request_body_has_an_example_and_each_example_succeeds_against_the_demo_province()
    {
        var document = await DocumentAsync();
        var bodies = RequestBodies(document).ToList();
        foreach (var (name, _, _, body) in bodies)
        {
            foreach (var media in body.GetProperty("content").EnumerateObject())
            {
                Assert.True(media.Value.TryGetProperty("example", out _), $"{name} ({media.Name}) has no example");
            }
        }

        var admin = app.Admin();
        async Task SendAsync(string name, HttpClient? client = null, string contentType = "application/json")
        {
            var (_, path, method, body) = bodies.Single(b => b.Name == name);
            var operation = document.GetProperty("paths").GetProperty(path).GetProperty(method);
            var url = path;
            foreach (var parameter in operation.TryGetProperty("parameters", out var all) ? all.EnumerateArray() : default)
            {
                if (parameter.GetProperty("in").GetString() != "path") continue;
                Assert.True(parameter.TryGetProperty("example", out var value), $"{name} has no example for {parameter.GetProperty("name")}");
                url = url.Replace($"{{{parameter.GetProperty("name").GetString()}}}", Uri.EscapeDataString(value.GetString()!), StringComparison.Ordinal);
            }
            var example = body.GetProperty("content").GetProperty(contentType).GetProperty("example");
            HttpContent content = contentType switch
            {
                "application/json" => new StringContent(example.GetRawText(), Encoding.UTF8, "application/json"),
                "multipart/form-data" => Submitter.Form(example.GetProperty("report").GetString()),
                _ => new StringContent(example.GetString()!, Encoding.UTF8, contentType),
            };
            using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), url) { Content = content };
            var response = await (client ?? admin).SendAsync(request, Ct);
            Assert.True(response.IsSuccessStatusCode, $"{name} ({contentType}) answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        }

        await SendAsync("SetMailSinkFaults");
        await admin.DeleteAsync("/api/dev/mail/faults", Ct);
        foreach (var name in new[] { "ReplaceLevels", "CreateUnit", "ReplaceUnit", "ImportUnits", "SavePost", "CreateTemplate", "CreatePeriod" })
        {
            await SendAsync(name);
        }
        await SendAsync("ImportUnits", contentType: "text/csv");

        // A report submitted with the example goes to its first stage, which the example hands to somebody else.
        await SendAsync("SubmitReport", (await Submitter.ForAsync(app, "HU-DONGSON")).Client, "multipart/form-data");
        await SendAsync("ReassignInstance");
        await SendAsync("RequestExtension", (await Submitter.ForAsync(app, "HU-KIMTHANH")).Client);
        await SendAsync("RefuseExtension");
        await SendAsync("GrantExtension");
        var engine = app.Factory.Services.GetRequiredService<WorkflowEngine>();
        foreach (var trigger in new[] { ReportTrigger.Submit, ReportTrigger.Claim, ReportTrigger.Approve, ReportTrigger.Approve })
        {
            Assert.IsType<FireResult.Applied>(await engine.FireAsync("2026-H1~TPU-ANHOA", new Firing(trigger, "cv.ha", WorkflowChannel.Link), await app.DurableClientAsync(), Ct));
        }
        await SendAsync("ReopenInstance");
        await SendAsync("RaiseInstanceEvent");
        await SendAsync("TerminateInstance");
    }

    [Fact]
    public async Task Descriptions_are_plain_sentences_without_documentation_references()
    {
        var document = await DocumentAsync();
        var offending = new List<string>();
        void Walk(JsonElement node, string path)
        {
            if (node.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in node.EnumerateObject())
                {
                    if (property.Name is "description" or "summary" && property.Value.ValueKind == JsonValueKind.String
                        && DocumentationMarkup().IsMatch(property.Value.GetString()!))
                    {
                        offending.Add($"{path}/{property.Name}: {property.Value.GetString()}");
                    }
                    Walk(property.Value, $"{path}/{property.Name}");
                }
            }
            else if (node.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var item in node.EnumerateArray()) Walk(item, $"{path}/{i++}");
            }
        }
        Walk(document, "");
        Assert.Empty(offending);
        Assert.Contains("`sumOf`", document.GetProperty("components").GetProperty("schemas").GetProperty("Indicator").GetProperty("description").GetString(),
            StringComparison.Ordinal);
    }

    /// <summary>
    /// What XML documentation leaves when it is not turned into text: crefs and their ids (T:, P:, M:, F:), escaped
    /// generics, generic arity, C# signatures naming the app's namespaces, and tags.
    /// </summary>
    [GeneratedRegex(@"cref|\b[TPMFE]:[A-Z]|&lt;|&gt;|&amp;|`\d|<see|<c>|<para|Baocao\.|IReadOnly\w*<|\w+\? \w+\.\w+")]
    private static partial Regex DocumentationMarkup();
}
