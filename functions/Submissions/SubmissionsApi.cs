using System.Text.Json.Nodes;
using Baocao.Access;
using Baocao.Catalog;
using Baocao.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.OpenApi;

namespace Baocao.Submissions;

/// <summary>The headers of a submission that callers (and tests) name.</summary>
public static class SubmissionsApi
{
    public const string IdempotencyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
}

/// <summary>Where a unit sends its report, and where it (or the province) reads it back with every version and file.</summary>
[Tags("Đơn vị: nộp báo cáo")]
[ProducesProblem(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound)]
public sealed class SubmissionFunctions(SubmissionService submissions)
{
    private const string Report = "periods/{periodId}/reports/{unitId}";

    [Function("SubmitReport"), RequireUnitKey, EndpointSummary("Nộp báo cáo (mỗi lần nộp là một phiên bản mới)")]
    [EndpointDescription("""
        multipart/form-data: một phần `report` (JSON: `values` theo mã chỉ tiêu, `narratives` theo mã phần, `note`) và
        không hoặc nhiều phần `attachments` (pdf, doc, docx, xls, xlsx, odt, ods, jpg, png). Cần Content-Length.
        Gửi kèm `Idempotency-Key` (ví dụ một UUID) để gửi lại an toàn khi mạng chập chờn: cùng khoá, cùng nội dung
        thì nhận lại đúng biên nhận lần đầu (201, `Idempotent-Replayed: true`) mà không tạo phiên bản mới; cùng khoá,
        nội dung khác thì 422. Nộp được khi báo cáo chưa nộp, vừa nộp mà chưa được nhận thẩm định, hoặc bị trả lại.
        """)]
    [OperationTransformer(typeof(SubmissionOperationTransformer))]
    [ProducesProblem(StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict, StatusCodes.Status411LengthRequired,
        StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity)]
    public async Task<Results<Created<SubmissionReceipt>, ProblemHttpResult>> Submit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Report + "/submissions")] HttpRequest req,
        string periodId, string unitId, [DurableClient] DurableTaskClient workflow, CancellationToken ct)
    {
        var context = req.HttpContext;
        var key = req.Headers.TryGetValue(SubmissionsApi.IdempotencyHeader, out var header) ? header.ToString() : null;
        var outcome = await submissions.SubmitAsync(periodId, CallingUnit.From(context).Code, req, key, workflow, ct);
        if (outcome.Problem is { } problem) return problem;
        var (receipt, replayed) = outcome.Value!;
        if (replayed) context.Response.Headers[SubmissionsApi.ReplayedHeader] = "true";
        return TypedResults.Created(ReportLinks.Report(receipt.PeriodId, receipt.UnitId), receipt);
    }

    [Function("GetReport"), RequireUnitKeyOrAdmin]
    [EndpointSummary("Báo cáo của đơn vị trong kỳ: trạng thái, hạn nộp, các phiên bản, lịch sử và nhận xét")]
    public async Task<Results<Ok<ReportView>, ProblemHttpResult>> GetReport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Report)] HttpRequest req,
        string periodId, string unitId, CancellationToken ct)
    {
        var unit = UnitOf(req.HttpContext, unitId);
        var reporting = await submissions.ReportingAsync(periodId, unit, ct);
        if (reporting.Problem is { } problem) return problem;
        return TypedResults.Ok(await submissions.ViewAsync(reporting.Value.Period, unit, ct));
    }

    [Function("DownloadAttachment"), RequireUnitKeyOrAdmin]
    [EndpointSummary("Tải một tệp đính kèm của một phiên bản (tên tệp tiếng Việt giữ nguyên)")]
    [Produces(StatusCodes.Status200OK, "application/octet-stream")]
    public async Task<Results<FileStreamHttpResult, ProblemHttpResult>> DownloadAttachment(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Report + "/versions/{version:int}/attachments/{number:int}")] HttpRequest req,
        string periodId, string unitId, int version, int number, CancellationToken ct)
    {
        var unit = UnitOf(req.HttpContext, unitId);
        var file = await submissions.AttachmentAsync(periodId, unit, version, number, ct);
        if (file is null) return Problems.NotFound($"Không có tệp số {number} của phiên bản {version}.");
        return await submissions.DownloadAsync(file, ct);
    }

    /// <summary>A unit key speaks for its own unit (the filter refused any other); the admin key names the unit in the route.</summary>
    private static string UnitOf(HttpContext context, string unitId) =>
        CallingUnit.FromOrProvince(context)?.Code ?? CatalogText.NormalizeCode(unitId);
}

/// <summary>The multipart body and the Idempotency-Key header are read by hand, so OpenAPI is told about them here, with examples.</summary>
public sealed class SubmissionOperationTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        Describe(operation);
        return Task.CompletedTask;
    }

    private const string ReportExample = """{"values":{"DVK_TONG":126,"DVK_MOI":12,"TXDT_SO_CUOC":8,"KNTC_NHAN":14,"KT_BANG_KHEN":1,"KT_GIAY_KHEN":6},"narratives":{"TINH-HINH":"Tình hình Nhân dân trên địa bàn ổn định...","PHUONG-HUONG":"Tiếp tục nhân rộng mô hình Dân vận khéo..."},"note":"Đã bổ sung số liệu tháng 6."}""";

    private static void Describe(OpenApiOperation operation)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = SubmissionsApi.IdempotencyHeader,
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
                                Examples = [JsonValue.Create(ReportExample)],
                            },
                            [SubmissionReader.AttachmentsPart] = new OpenApiSchema
                            {
                                Type = JsonSchemaType.Array,
                                Items = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
                                Description = "Tệp đính kèm; tên tệp tiếng Việt được giữ nguyên.",
                            },
                        },
                    },
                    Example = new JsonObject { [SubmissionReader.ReportPart] = ReportExample },
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
