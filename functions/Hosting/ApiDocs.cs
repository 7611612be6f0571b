using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Azure.Functions.Worker;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Baocao.Hosting;

/// <summary>The OpenAPI document of the HTTP functions, and Scalar's browsable reference of it.</summary>
public static class ApiDocs
{
    public const string DocumentName = "v1";
    public const string ReferencePath = "/api/docs";

    /// <summary>
    /// The reference is a script of Scalar's own (served by the app, with an inline start-up script): it may run scripts
    /// and styles from here and call the API here, and loads nothing from anywhere else, fonts included.
    /// </summary>
    public const string ReferencePolicy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    public static IServiceCollection AddBaocaoOpenApi(this IServiceCollection services)
    {
        var comments = DocComments.Of(typeof(ApiDocs).Assembly);
        services.AddOpenApi(DocumentName, o =>
        {
            o.AddSchemaTransformer(comments.TransformAsync);
            o.AddSchemaTransformer(RequestSchemas.MarkComputedAsync);
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Baocao API";
                document.Info.Description = "Báo cáo định kỳ của Ban Dân vận: đơn vị nộp báo cáo, chuyên viên và lãnh đạo Ban duyệt, tỉnh tổng hợp.";
                // The worker's own address means nothing to a caller: paths are relative to wherever the document was read.
                document.Servers = [];
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["apiKey"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = AdminKey.Header,
                    Description = "Khoá của đơn vị, hoặc khoá quản trị cho các lệnh quản trị.",
                };
                return Task.CompletedTask;
            });
            o.AddOperationTransformer(async (operation, context, ct) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                foreach (var query in metadata.OfType<QueryParameterAttribute>())
                {
                    operation.Parameters ??= [];
                    operation.Parameters.Add(new OpenApiParameter
                    {
                        Name = query.Name,
                        In = ParameterLocation.Query,
                        Description = query.Description,
                        Required = query.Required,
                        Schema = new OpenApiSchema { Type = query.Type, Enum = query.AllValues?.Select(v => (System.Text.Json.Nodes.JsonNode)v!).ToList() },
                    });
                }
                // [Accepts] names the JSON form of a body; a CSV body is text, and a form is fields of text.
                foreach (var (contentType, media) in operation.RequestBody?.Content ?? new Dictionary<string, OpenApiMediaType>())
                {
                    if (contentType.StartsWith("text/", StringComparison.Ordinal)) media.Schema = new OpenApiSchema { Type = JsonSchemaType.String };
                    else if (contentType == "application/x-www-form-urlencoded")
                        media.Schema = new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String } };
                }
                foreach (var own in metadata.OfType<OperationTransformerAttribute>()) await own.Transformer.TransformAsync(operation, context, ct);
                if (metadata.OfType<FunctionDescriptor>().FirstOrDefault() is { } function) ApiExamples.Attach(operation, function.Name);
            });
            o.AddDocumentTransformer(RequestSchemas.SplitAsync);
        });
        services.AddSingleton<ScalarReference>();
        return services;
    }
}

/// <summary>The functions that serve the API's description.</summary>
public sealed class ApiDocsFunctions(IServiceProvider services, ScalarReference reference)
{
    [Function("OpenApiDocument"), ExcludeFromDescription]
    public async Task<IResult> Document(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi/{documentName}.json")] HttpRequest req, string documentName)
    {
        if (services.GetKeyedService<IOpenApiDocumentProvider>(documentName) is not { } provider)
        {
            return Problems.NotFound($"Không có tài liệu OpenAPI '{documentName}'.");
        }
        var document = await provider.GetOpenApiDocumentAsync(req.HttpContext.RequestAborted);
        await using var text = new StringWriter(CultureInfo.InvariantCulture);
        document.SerializeAsV31(new OpenApiJsonWriter(text));
        return Results.Text(text.ToString(), "application/json; charset=utf-8");
    }

    [Function("ApiReference"), ExcludeFromDescription, ContentSecurityPolicy(ApiDocs.ReferencePolicy)]
    public Task<IResult> Reference([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "docs/{*path}")] HttpRequest req) =>
        reference.ServeAsync(req.HttpContext);
}

/// <summary>
/// Scalar's own endpoints (its page and its scripts), mapped into a private route table and run from one function, so
/// the reference is Scalar's, not a copy of it.
/// </summary>
public sealed class ScalarReference
{
    private readonly IReadOnlyList<(TemplateMatcher Matcher, RouteEndpoint Endpoint)> _routes;

    public ScalarReference(IServiceProvider services)
    {
        var table = new PrivateRoutes(services);
        table.MapScalarApiReference(ApiDocs.ReferencePath, o => o
            .WithTitle("Baocao API")
            .WithOpenApiRoutePattern("/api/openapi/{documentName}.json")
            .DisableDefaultFonts());
        _routes = table.DataSources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .OrderBy(e => e.RoutePattern.Parameters.Count) // its files before the page's optional document name
            .Select(e => (new TemplateMatcher(TemplateParser.Parse(e.RoutePattern.RawText!.TrimStart('/')), []), e)).ToList();
    }

    public async Task<IResult> ServeAsync(HttpContext http)
    {
        foreach (var (matcher, endpoint) in _routes)
        {
            var values = new RouteValueDictionary();
            if (!matcher.TryMatch(http.Request.Path, values)) continue;
            http.Request.RouteValues = values;
            await endpoint.RequestDelegate!(http);
            return Results.Empty;
        }
        return Problems.NotFound($"Không có địa chỉ {http.Request.Path}.");
    }

    private sealed class PrivateRoutes(IServiceProvider services) : IEndpointRouteBuilder
    {
        public IServiceProvider ServiceProvider { get; } = services;
        public ICollection<EndpointDataSource> DataSources { get; } = [];
        public IApplicationBuilder CreateApplicationBuilder() => new ApplicationBuilder(ServiceProvider);
    }
}
