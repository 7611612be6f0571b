using System.Text.Json.Nodes;
using Baocao.Access;
using Baocao.Catalog;
using Baocao.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Baocao.Submissions;

/// <summary>Where a unit sends its report, and where it (or the province) reads it back with every version and file.</summary>
public static class SubmissionsApi
{
    public const string IdempotencyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    public static IEndpointRouteBuilder MapSubmissionsApi(this IEndpointRouteBuilder app)
    {
        var reports = app.MapGroup("/api/periods/{periodId}/reports/{unitId}").WithTags("Đơn vị: nộp báo cáo")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        reports.MapPost("/submissions", Submit).WithName("SubmitReport").RequireUnitKey()
            .WithSummary("Nộp báo cáo (mỗi lần nộp là một phiên bản mới)")
            .WithDescription("""
                multipart/form-data: một phần `report` (JSON: `values` theo mã chỉ tiêu, `narratives` theo mã phần, `note`) và
                không hoặc nhiều phần `attachments` (pdf, doc, docx, xls, xlsx, odt, ods, jpg, png). Cần Content-Length.
                Gửi kèm `Idempotency-Key` (ví dụ một UUID) để gửi lại an toàn khi mạng chập chờn: cùng khoá, cùng nội dung
                thì nhận lại đúng biên nhận lần đầu (201, `Idempotent-Replayed: true`) mà không tạo phiên bản mới; cùng khoá,
                nội dung khác thì 422. Nộp được khi báo cáo chưa nộp, vừa nộp mà chưa được nhận thẩm định, hoặc bị trả lại.
                """)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                DescribeSubmission(operation);
                return Task.CompletedTask;
            })
            .Produces<SubmissionReceipt>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status411LengthRequired).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        reports.MapGet("/", GetReport).WithName("GetReport").RequireUnitKeyOrAdmin()
            .WithSummary("Báo cáo của đơn vị trong kỳ: trạng thái, hạn nộp, các phiên bản, lịch sử và nhận xét");
        reports.MapGet("/versions/{version:int}/attachments/{number:int}", DownloadAttachment).WithName("DownloadAttachment").RequireUnitKeyOrAdmin()
            .WithSummary("Tải một tệp đính kèm của một phiên bản (tên tệp tiếng Việt giữ nguyên)")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream");
        return app;
    }

    public static async Task<Results<Created<SubmissionReceipt>, ProblemHttpResult>> Submit(
        string periodId, string unitId, HttpContext context, SubmissionService submissions, CancellationToken ct)
    {
        var key = context.Request.Headers.TryGetValue(IdempotencyHeader, out var header) ? header.ToString() : null;
        var outcome = await submissions.SubmitAsync(periodId, CallingUnit.From(context).Code, context.Request, key, ct);
        if (outcome.Problem is { } problem) return problem;
        var (receipt, replayed) = outcome.Value!;
        if (replayed) context.Response.Headers[ReplayedHeader] = "true";
        return TypedResults.Created(ReportLinks.Report(receipt.PeriodId, receipt.UnitId), receipt);
    }

    public static async Task<Results<Ok<ReportView>, ProblemHttpResult>> GetReport(
        string periodId, string unitId, HttpContext context, SubmissionService submissions, CancellationToken ct)
    {
        var unit = UnitOf(context, unitId);
        var reporting = await submissions.ReportingAsync(periodId, unit, ct);
        if (reporting.Problem is { } problem) return problem;
        return TypedResults.Ok(await submissions.ViewAsync(reporting.Value.Period, unit, ct));
    }

    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> DownloadAttachment(
        string periodId, string unitId, int version, int number, HttpContext context, SubmissionService submissions, CancellationToken ct)
    {
        var unit = UnitOf(context, unitId);
        var file = await submissions.AttachmentAsync(periodId, unit, version, number, ct);
        if (file is null) return Problems.NotFound($"Không có tệp số {number} của phiên bản {version}.");
        return await submissions.DownloadAsync(file, ct);
    }

    /// <summary>A unit key speaks for its own unit (the filter refused any other); the admin key names the unit in the route.</summary>
    private static string UnitOf(HttpContext context, string unitId) =>
        CallingUnit.FromOrProvince(context)?.Code ?? CatalogText.NormalizeCode(unitId);

    /// <summary>The multipart body and the Idempotency-Key header are read by hand, so OpenAPI is told about them here, with examples.</summary>
    private static void DescribeSubmission(OpenApiOperation operation)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = IdempotencyHeader,
            In = ParameterLocation.Header,
            Description = "Khoá do đơn vị tự sinh cho mỗi bài nộp (1–255 ký tự ASCII, ví dụ UUID); gửi lại cùng khoá khi không chắc lần trước đã tới.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = SubmissionService.MaxIdempotencyKeyLength },
            Example = JsonValue.Create("3f1c2a9e-8d4b-4c1e-9a7f-5b6d2e1f0a11"),
        });
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["multipart/form-data"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Required = new HashSet<string> { SubmissionReader.ReportPart },
                        Properties = new Dictionary<string, IOpenApiSchema>
                        {
                            [SubmissionReader.ReportPart] = new OpenApiSchema
                            {
                                Type = JsonSchemaType.String,
                                Description = "JSON của báo cáo: values (mã chỉ tiêu → số/có-không/văn bản), narratives (mã phần → nội dung), note.",
                                Examples = [JsonValue.Create("""{"values":{"DVK_TONG":126,"DVK_MOI":12,"TXDT_SO_CUOC":8,"KNTC_NHAN":14,"KT_BANG_KHEN":1,"KT_GIAY_KHEN":6},"narratives":{"TINH-HINH":"Tình hình Nhân dân trên địa bàn ổn định...","PHUONG-HUONG":"Tiếp tục nhân rộng mô hình Dân vận khéo..."},"note":"Đã bổ sung số liệu tháng 6."}""")],
                            },
                            [SubmissionReader.AttachmentsPart] = new OpenApiSchema
                            {
                                Type = JsonSchemaType.Array,
                                Items = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
                                Description = "Tệp đính kèm; tên tệp tiếng Việt được giữ nguyên.",
                            },
                        },
                    },
                    Encoding = new Dictionary<string, OpenApiEncoding>
                    {
                        [SubmissionReader.ReportPart] = new() { ContentType = "application/json" },
                    },
                },
            },
        };
        if (operation.Responses?.TryGetValue("201", out var created) == true && created.Content?.TryGetValue("application/json", out var json) == true)
        {
            json.Example = JsonNode.Parse("""
                {"periodId":"2026-H1","unitId":"HU-DONGSON","version":1,"receivedAt":"2026-11-24T09:15:00+07:00","late":false,
                 "receipt":"9b1f0c3e5d...","attachments":[{"number":1,"fileName":"Báo cáo sơ kết.pdf","contentType":"application/pdf",
                 "size":182044,"sha256":"4e07408562bedb8b60ce05c1decfe3ad16b72230967de01f640b7e4729b49fce",
                 "href":"/api/periods/2026-H1/reports/HU-DONGSON/versions/1/attachments/1"}]}
                """);
        }
    }
}
