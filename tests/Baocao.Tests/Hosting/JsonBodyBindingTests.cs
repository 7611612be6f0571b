using System.Collections;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Baocao.Access;
using Baocao.Hosting;
using Baocao.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Converters;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Hosting;

/// <summary>
/// A function's <c>[JsonBody]</c> is read in one place, after its caller checks and before it runs: a caller it does not
/// accept is refused before the body is looked at, and a body that cannot be read is answered with the pointer of the
/// offence in Vietnamese while the function (which would answer 404 for the made-up ids used here) never runs, and
/// nothing is written.
/// </summary>
public sealed partial class JsonBodyBindingTests(DemoApp app) : IClassFixture<DemoApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Unit = "HU-DONGSON";

    [Fact]
    public async Task Every_json_body_is_read_after_the_caller_checks_and_before_the_function()
    {
        var unitKey = (await (await app.Admin().PostAsync($"/api/catalog/units/{Unit}/keys", null, Ct)).ReadAsAsync<IssuedUnitKey>()).Key;
        var catalog = app.Factory.Services.GetRequiredService<FunctionCatalog>();
        var functions = catalog.Functions.Where(f => f.BodyParameter is not null).ToList();
        Assert.True(functions.Count >= 15, $"only {functions.Count} functions take a [JsonBody]");
        var before = await app.SnapshotAsync();
        foreach (var function in functions)
        {
            var http = (HttpFunctionTrigger)function.Trigger;
            var path = "/api/" + RouteValue().Replace(http.Route, m => m.Groups[1].Value == "unitId" ? Unit : "KHONG-CO");
            var method = new HttpMethod(http.Methods.Single().ToUpperInvariant());
            var metadata = catalog.EndpointOf(function.Name).Metadata;
            var forUnit = metadata.GetMetadata<RequireUnitKeyAttribute>() is not null;
            var keyed = forUnit || metadata.GetMetadata<RequireAdminKeyAttribute>() is not null;
            var list = function.BodyParameter!.ParameterType.IsAssignableTo(typeof(IEnumerable));

            async Task<HttpResponseMessage> Send(string? key, string contentType, string body)
            {
                // From this machine, as the local-only tools ask.
                using var client = new HttpClient(app.Factory.Server.CreateHandler(context => context.Connection.RemoteIpAddress = IPAddress.Loopback))
                {
                    BaseAddress = app.Factory.Server.BaseAddress,
                };
                if (key is not null) client.Presenting(key);
                return await client.SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, contentType) }, Ct);
            }

            var key = forUnit ? unitKey : TestApp.AdminKey;
            if (keyed) await (await Send(null, "application/json", "{")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
            var unknown = await (await Send(key, "application/json", list ? """[{ "surplus": 1 }]""" : """{ "surplus": 1 }"""))
                .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "unknown-field");
            var error = unknown.Error("unknown-field");
            Assert.Equal(list ? "/0/surplus" : "/surplus", error.GetProperty("pointer").GetString());
            Assert.StartsWith("Trường 'surplus' không có trong mẫu dữ liệu", error.GetProperty("detail").GetString());
            await (await Send(key, "application/json", " ")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "empty-body");
            await (await Send(key, "text/plain", "{}")).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
        }
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task Under_the_functions_host_the_parameter_gets_what_the_pipeline_read_and_nothing_else()
    {
        var http = new DefaultHttpContext();
        var function = new FakeFunctionContext(http);
        var converter = new JsonBodyConverter();
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await converter.ConvertAsync(new FakeConverterContext(function)));

        http.Request.ContentType = "application/json";
        http.Request.Body = new MemoryStream("""{ "reason": "Đơn vị đã giải thể." }"""u8.ToArray());
        http.SetEndpoint(app.Factory.Services.GetRequiredService<FunctionCatalog>().EndpointOf("TerminateInstance"));
        Assert.Null(await JsonBodyBinding.BindAsync(http));
        var converted = await converter.ConvertAsync(new FakeConverterContext(function));
        Assert.Equal(ConversionStatus.Succeeded, converted.Status);
        Assert.Equal("Đơn vị đã giải thể.", Assert.IsType<Baocao.Workflow.AdminReason>(converted.Value).Reason);
    }

    [GeneratedRegex(@"\{(\w+)[^}]*\}")]
    private static partial Regex RouteValue();

    /// <summary>A function context holding the request as the worker's ASP.NET Core integration hands it over.</summary>
    private sealed class FakeFunctionContext(HttpContext http) : FunctionContext
    {
        public override string InvocationId => "test";
        public override string FunctionId => "test";
        public override TraceContext TraceContext => null!;
        public override BindingContext BindingContext => null!;
        public override RetryContext RetryContext => null!;
        public override IServiceProvider InstanceServices { get; set; } = null!;
        public override FunctionDefinition FunctionDefinition => null!;
        public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object> { ["HttpRequestContext"] = http };
        public override IInvocationFeatures Features => null!;
    }

    private sealed class FakeConverterContext(FunctionContext function) : ConverterContext
    {
        public override Type TargetType => typeof(Baocao.Workflow.AdminReason);
        public override object? Source => null;
        public override FunctionContext FunctionContext => function;
        public override IReadOnlyDictionary<string, object> Properties => new Dictionary<string, object>();
    }
}
