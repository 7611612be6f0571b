using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Baocao.Hosting;

public static class HostingExtensions
{
    private const string RequestLogCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>Settings, JSON conventions, Problem Details, the function catalogue and OpenAPI: what every feature stands on.</summary>
    public static IHostApplicationBuilder AddBaocaoHosting(this IHostApplicationBuilder builder)
    {
        // ASP.NET Core's request lines carry the path, and a review link's path is its credential: never at Information.
        builder.Logging.AddFilter(RequestLogCategory, LogLevel.Warning);
        builder.AddBaocaoTelemetry();

        builder.Services.AddOptions<BaocaoOptions>()
            .BindConfiguration(BaocaoOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => TryFindTimeZone(o.TimeZone), "Baocao:TimeZone is not a time zone this machine knows (expected an IANA id such as Asia/Ho_Chi_Minh).")
            .ValidateOnStart();
        builder.Services.AddLargeReceiveBuffers();
        // Each function sets its own body limit (RequestBodyLimit); Kestrel's default of 30 MB would refuse a large file first.
        builder.Services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = null);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<PeopleTime>();
        builder.Services.AddSingleton<BaocaoMetrics>();

        builder.Services.AddSingleton(_ => FunctionCatalog.Of(typeof(HostingExtensions).Assembly));
        // ApiExplorer (and so OpenAPI) reads the DI EndpointDataSource: the functions' endpoints, under either host.
        builder.Services.AddSingleton<EndpointDataSource>(provider => provider.GetRequiredService<FunctionCatalog>().HttpEndpoints);
        builder.Services.ConfigureHttpJsonOptions(o => JsonBody.Configure(o.SerializerOptions));
        builder.Services.AddProblemDetails();
        builder.Services.AddBaocaoOpenApi();
        return builder;
    }

    /// <summary>The pipeline every HTTP function runs in (<see cref="HttpFunctionPipeline"/>), composed by the app.</summary>
    public static IServiceCollection AddHttpFunctionPipeline(this IServiceCollection services, Action<IApplicationBuilder> configure) =>
        services.AddSingleton(provider => new HttpFunctionPipeline(provider, configure));

    /// <summary>
    /// Failures as Problem Details. The features' exception handlers (<see cref="IExceptionHandler"/>, such as storage's
    /// 503 for an outage) answer first; anything else says plainly that it failed.
    /// </summary>
    public static IApplicationBuilder UseBaocaoErrors(this IApplicationBuilder app)
    {
        app.UseExceptionHandler(error => error.Run(async context =>
        {
            var feature = context.Features.Get<IExceptionHandlerFeature>();
            // An unexpected failure: say so plainly, without internals.
            var status = feature?.Error is Microsoft.AspNetCore.Http.BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError;
            await Problems.Create(status, status == 500 ? "internal" : "bad-request",
                status == 500 ? "Lỗi hệ thống" : "Yêu cầu không hợp lệ",
                status == 500 ? "Đã có lỗi ngoài dự kiến; yêu cầu chưa được thực hiện." : feature?.Error.Message).ExecuteAsync(context);
        }));
        app.UseStatusCodePages(status => StatusProblem(status.HttpContext).ExecuteAsync(status.HttpContext));
        return app;
    }

    /// <summary>The Problem Details of an answer that has a status and no body (no route, a wrong method, a bare status).</summary>
    public static IResult StatusProblem(HttpContext context) => context.Response.StatusCode switch
    {
        404 => Problems.NotFound($"Không có địa chỉ {context.Request.Path}."),
        405 => Problems.Create(405, "method-not-allowed", "Phương thức không được hỗ trợ", $"{context.Request.Method} không dùng được với {context.Request.Path}."),
        var code => Problems.Create(code, "http-" + code, "Yêu cầu không thành công"),
    };

    private static bool TryFindTimeZone(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);
}
