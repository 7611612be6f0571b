using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Baocao.Hosting;

public static class HostingExtensions
{
    public const string OpenApiRoute = "/api/openapi/{documentName}.json";

    private const string RequestLogCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>Settings, port, JSON conventions, Problem Details and OpenAPI: what every feature stands on.</summary>
    public static WebApplicationBuilder AddBaocaoHosting(this WebApplicationBuilder builder)
    {
        builder.Configuration.AddLocalSettingsFiles(builder.Environment.ContentRootPath);
        // ASP.NET Core's request lines carry the path, and a review link's path is its credential: never at Information.
        builder.Logging.AddFilter(RequestLogCategory, LogLevel.Warning);
        builder.BindPort();
        builder.AddBaocaoTelemetry();

        builder.Services.AddOptions<BaocaoOptions>()
            .BindConfiguration(BaocaoOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => TryFindTimeZone(o.TimeZone), "Baocao:TimeZone is not a time zone this machine knows (expected an IANA id such as Asia/Ho_Chi_Minh).")
            .ValidateOnStart();
        builder.Services.AddLargeReceiveBuffers();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<PeopleTime>();
        builder.Services.AddSingleton<BaocaoMetrics>();

        builder.Services.ConfigureHttpJsonOptions(o => JsonBody.Configure(o.SerializerOptions));
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi("v1", o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Baocao API";
                document.Info.Description = "Báo cáo định kỳ của Ban Dân vận: đơn vị nộp báo cáo, chuyên viên và lãnh đạo Ban duyệt, tỉnh tổng hợp.";
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
        });
        return builder;
    }

    public static WebApplication UseBaocaoHosting(this WebApplication app)
    {
        app.UseSecurityHeaders();
        app.UseExceptionHandler(error => error.Run(async context =>
        {
            var feature = context.Features.Get<IExceptionHandlerFeature>();
            if (feature?.Error is { } failure && Storage.StorageOutage.Is(failure, context.RequestAborted))
            {
                // Storage is away: a client should try again shortly, and may, since nothing was half written. A write
                // that got no answer may have been made whole all the same, so the same Idempotency-Key keeps it once.
                await Storage.StorageOutage.AnswerAsync(context,
                    "Kho dữ liệu tạm thời không trả lời; yêu cầu có thể chưa được ghi nhận. Hãy gửi lại sau giây lát, với cùng Idempotency-Key nếu có, để không bị ghi hai lần.");
                return;
            }
            // An unexpected failure: say so plainly, without internals.
            var status = feature?.Error is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError;
            await Problems.Create(status, status == 500 ? "internal" : "bad-request",
                status == 500 ? "Lỗi hệ thống" : "Yêu cầu không hợp lệ",
                status == 500 ? "Đã có lỗi ngoài dự kiến; yêu cầu chưa được thực hiện." : feature?.Error.Message).ExecuteAsync(context);
        }));
        app.UseStatusCodePages(async status =>
        {
            var context = status.HttpContext;
            var code = context.Response.StatusCode;
            var result = code switch
            {
                404 => Problems.NotFound($"Không có địa chỉ {context.Request.Path}."),
                405 => Problems.Create(405, "method-not-allowed", "Phương thức không được hỗ trợ", $"{context.Request.Method} không dùng được với {context.Request.Path}."),
                _ => Problems.Create(code, "http-" + code, "Yêu cầu không thành công"),
            };
            await result.ExecuteAsync(context);
        });

        // The Functions host probes GET / until it answers; keep it cheap and free of storage calls.
        app.MapGet("/", () => TypedResults.Ok(new { name = "Baocao", docs = "/api/docs" })).ExcludeFromDescription();
        app.MapTriggerFunctions();
        app.MapOpenApi(OpenApiRoute);
        // The reference is a script of Scalar's own (served by the app, with an inline start-up script): it may run
        // scripts and styles from here and call the API here, and loads nothing from anywhere else, fonts included.
        app.MapScalarApiReference("/api/docs", o => o
                .WithTitle("Baocao API")
                .WithOpenApiRoutePattern(OpenApiRoute)
                .DisableDefaultFonts())
            .WithContentSecurityPolicy("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
                "font-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'");
        return app;
    }

    private static bool TryFindTimeZone(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);
}
