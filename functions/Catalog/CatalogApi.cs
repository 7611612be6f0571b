using System.Globalization;
using System.Text;
using Baocao.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.OpenApi;

// The admin API of the catalogue: levels, units (with JSON and CSV import), posts, templates and periods.
namespace Baocao.Catalog;

/// <summary>A record saved at its own path (<c>PUT …/{code}</c>) names the same code in its body.</summary>
internal static class PathCode
{
    /// <summary>The refusal of a body whose code is not the one in the path, or null when they agree.</summary>
    public static ProblemHttpResult? Mismatch(string what, string bodyCode, string pathCode) =>
        CatalogText.NormalizeCode(bodyCode) == CatalogText.NormalizeCode(pathCode) ? null
            : Problems.Validation([new FieldError("/code", "code-mismatch", $"{what} trong nội dung ('{bodyCode}') khác mã trên đường dẫn ('{pathCode}').")]);
}

/// <summary>The levels of the unit tree, for province staff holding the admin key.</summary>
[Tags("Danh mục: cấp")]
[RequireAdminKey, ProducesProblem(StatusCodes.Status401Unauthorized)]
public sealed class LevelFunctions(CatalogService catalog)
{
    [Function("ListLevels"), EndpointSummary("Các cấp của cây đơn vị")]
    public async Task<Ok<IReadOnlyList<OrgLevel>>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "catalog/levels")] HttpRequest req, CancellationToken ct) =>
        TypedResults.Ok(await catalog.GetLevelsAsync(ct));

    [Function("ReplaceLevels"), EndpointSummary("Thay danh sách cấp")]
    [ProducesValidationProblems, ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<Results<Ok<IReadOnlyList<OrgLevel>>, ProblemHttpResult>> Replace(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "catalog/levels")] HttpRequest req, [JsonBody] List<OrgLevel> levels, CancellationToken ct) =>
        (await catalog.ReplaceLevelsAsync(levels, ct)).ToOk();

    [Function("SaveLevel"), EndpointSummary("Thêm một cấp, hoặc đổi tên, thứ tự của một cấp, cho cấp thôi sử dụng")]
    [EndpointDescription("Các cấp khác giữ nguyên. Cấp thôi sử dụng (retired) vẫn giữ cho các đơn vị đã ngừng hoạt động thuộc cấp đó; đơn vị đang hoạt động không được thuộc cấp này.")]
    [ProducesValidationProblems, ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<Results<Created<OrgLevel>, Ok<OrgLevel>, ProblemHttpResult>> Save(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "catalog/levels/{code}")] HttpRequest req, string code, [JsonBody] OrgLevel body,
        CancellationToken ct)
    {
        if (PathCode.Mismatch("Mã cấp", body.Code, code) is { } mismatch) return mismatch;
        var saved = await catalog.SaveLevelAsync(body, ct);
        if (saved.Problem is { } refused) return refused;
        var (level, created) = saved.Value;
        return created ? TypedResults.Created($"/api/catalog/levels/{level.Code}", level) : TypedResults.Ok(level);
    }

    [Function("DeleteLevel"), EndpointSummary("Xoá một cấp không còn đơn vị nào thuộc về")]
    [ProducesProblem(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)]
    public async Task<Results<NoContent, ProblemHttpResult>> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "catalog/levels/{code}")] HttpRequest req, string code, CancellationToken ct)
    {
        var deleted = await catalog.DeleteLevelAsync(code, ct);
        return deleted.Problem is { } refused ? refused : TypedResults.NoContent();
    }
}

/// <summary>The units of the tree, one by one or imported in bulk, for province staff holding the admin key.</summary>
[Tags("Danh mục: đơn vị")]
[RequireAdminKey, ProducesProblem(StatusCodes.Status401Unauthorized)]
public sealed class UnitFunctions(CatalogService catalog)
{
    [Function("ListUnits"), EndpointSummary("Tất cả đơn vị")]
    public async Task<Ok<IReadOnlyList<OrgUnit>>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "catalog/units")] HttpRequest req, CancellationToken ct) =>
        TypedResults.Ok(await catalog.GetUnitsAsync(ct));

    [Function("GetUnit"), EndpointSummary("Một đơn vị"), ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<Results<Ok<OrgUnit>, ProblemHttpResult>> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "catalog/units/{code}")] HttpRequest req, string code, CancellationToken ct) =>
        await catalog.GetUnitAsync(code, ct) is { } unit ? TypedResults.Ok(unit) : Problems.NotFound($"Không có đơn vị '{code}'.");

    [Function("CreateUnit"), EndpointSummary("Thêm một đơn vị")]
    [ProducesValidationProblems, ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<Results<Created<OrgUnit>, ProblemHttpResult>> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "catalog/units")] HttpRequest req, [JsonBody] OrgUnit body,
        [DurableClient] DurableTaskClient workflow, CancellationToken ct)
    {
        var saved = await catalog.SaveUnitsAsync([body], createOnly: true, _ => "", null, workflow, ct);
        if (saved.Problem is { } refused) return refused;
        var unit = (await catalog.GetUnitAsync(body.Code, ct))!;
        return TypedResults.Created($"/api/catalog/units/{unit.Code}", unit);
    }

    [Function("ReplaceUnit"), EndpointSummary("Sửa (hoặc thêm) một đơn vị; đặt active=false để ngừng")]
    [ProducesValidationProblems]
    public async Task<Results<Ok<OrgUnit>, ProblemHttpResult>> Replace(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "catalog/units/{code}")] HttpRequest req, string code, [JsonBody] OrgUnit body,
        [DurableClient] DurableTaskClient workflow, CancellationToken ct)
    {
        if (PathCode.Mismatch("Mã đơn vị", body.Code, code) is { } mismatch) return mismatch;
        var saved = await catalog.SaveUnitsAsync([body], createOnly: false, _ => "", null, workflow, ct);
        return saved.Problem is { } refused ? refused : TypedResults.Ok((await catalog.GetUnitAsync(code, ct))!);
    }

    [Function("ImportUnits"), EndpointSummary("Nhập nhiều đơn vị từ JSON (mảng) hoặc CSV (text/csv)"), UnitImportDescription]
    [Accepts(typeof(List<OrgUnit>), "application/json", "text/csv"), ProducesValidationProblems, ProducesProblem(StatusCodes.Status415UnsupportedMediaType)]
    public async Task<Results<Ok<ImportResult>, ProblemHttpResult>> Import(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "catalog/units/import")] HttpRequest req, [DurableClient] DurableTaskClient workflow,
        CancellationToken ct)
    {
        Outcome<ImportResult> saved;
        if (req.ContentType?.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) == true)
        {
            using var reader = new StreamReader(req.Body, Encoding.UTF8);
            var (rows, error) = UnitCsv.Parse(await reader.ReadToEndAsync(ct));
            if (error is not null) return Problems.Malformed(error);
            saved = await catalog.SaveUnitsAsync(rows.Select(r => r.Unit).ToList(), createOnly: false,
                i => $"/{rows[i].Line}", i => rows[i].Line, workflow, ct);
        }
        else
        {
            var body = await JsonBody.ReadAsync<List<OrgUnit>>(req, ct);
            if (body.Problem is { } problem)
            {
                return problem.StatusCode == StatusCodes.Status415UnsupportedMediaType
                    ? Problems.UnsupportedMediaType("Nhập đơn vị bằng JSON (application/json) hoặc CSV (text/csv).")
                    : problem;
            }
            saved = await catalog.SaveUnitsAsync(body.Value!, createOnly: false, i => $"/{i}", null, workflow, ct);
        }
        return saved.ToOk();
    }
}

/// <summary>
/// The description of the unit import, which names the CSV columns <see cref="UnitCsv.Columns"/> holds; an attribute's
/// arguments are constants, so this one reads the columns when asked.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class UnitImportDescriptionAttribute : Attribute, IEndpointDescriptionMetadata
{
    public string Description =>
        $"CSV UTF-8, dòng đầu là tiêu đề, các cột: {string.Join(",", UnitCsv.Columns)}. Toàn bộ tệp được kiểm tra trước; có lỗi thì không ghi gì.";
}

/// <summary>The posts (their units, holders and delegations), for province staff holding the admin key.</summary>
[Tags("Danh mục: chức vụ")]
[RequireAdminKey, ProducesProblem(StatusCodes.Status401Unauthorized)]
public sealed class PostFunctions(CatalogService catalog)
{
    [Function("ListPosts"), EndpointSummary("Các chức vụ, người giữ và ủy quyền")]
    public async Task<Ok<IReadOnlyList<Post>>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "catalog/posts")] HttpRequest req, CancellationToken ct) =>
        TypedResults.Ok(await catalog.GetPostsAsync(ct));

    [Function("GetPost"), EndpointSummary("Một chức vụ"), ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<Results<Ok<Post>, ProblemHttpResult>> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "catalog/posts/{code}")] HttpRequest req, string code, CancellationToken ct) =>
        await catalog.GetPostAsync(code, ct) is { } post ? TypedResults.Ok(post) : Problems.NotFound($"Không có chức vụ '{code}'.");

    [Function("SavePost"), EndpointSummary("Thêm hoặc sửa chức vụ: đơn vị phụ trách (cả cây bên dưới), người giữ, các lần ủy quyền")]
    [EndpointDescription("Ủy quyền (delegations) tính theo ngày giờ Việt Nam, tính cả ngày đầu và ngày cuối; các lần ủy quyền không được trùng ngày.")]
    [ProducesValidationProblems, ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<Results<Created<Post>, Ok<Post>, ProblemHttpResult>> Save(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "catalog/posts/{code}")] HttpRequest req, string code, [JsonBody] Post body,
        CancellationToken ct)
    {
        if (PathCode.Mismatch("Mã chức vụ", body.Code, code) is { } mismatch) return mismatch;
        var saved = await catalog.SavePostAsync(body, ct);
        if (saved.Problem is { } refused) return refused;
        var (post, created) = saved.Value;
        return created ? TypedResults.Created($"/api/catalog/posts/{post.Code}", post) : TypedResults.Ok(post);
    }

    [Function("DeletePost"), EndpointSummary("Xoá chức vụ không còn kỳ nào đang dùng")]
    [ProducesProblem(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)]
    public async Task<Results<NoContent, ProblemHttpResult>> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "catalog/posts/{code}")] HttpRequest req, string code, CancellationToken ct)
    {
        var deleted = await catalog.DeletePostAsync(code, ct);
        return deleted.Problem is { } refused ? refused : TypedResults.NoContent();
    }
}

/// <summary>The report templates and their versions, for province staff holding the admin key.</summary>
[Tags("Danh mục: mẫu báo cáo")]
[RequireAdminKey, ProducesProblem(StatusCodes.Status401Unauthorized)]
public sealed class TemplateFunctions(CatalogService catalog)
{
    [Function("ListTemplates"), EndpointSummary("Phiên bản mới nhất của mỗi mẫu")]
    public async Task<Ok<IReadOnlyList<ReportTemplate>>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "catalog/templates")] HttpRequest req, CancellationToken ct) =>
        TypedResults.Ok(await catalog.ListLatestTemplatesAsync(ct));

    [Function("GetTemplate"), EndpointSummary("Một mẫu: phiên bản mới nhất, hoặc ?version=n"), ProducesProblem(StatusCodes.Status404NotFound)]
    [QueryParameter("version", "Phiên bản của mẫu; không ghi thì lấy phiên bản mới nhất", Type = JsonSchemaType.Integer)]
    public async Task<Results<Ok<ReportTemplate>, ProblemHttpResult>> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "catalog/templates/{code}")] HttpRequest req, string code, CancellationToken ct)
    {
        // As minimal APIs bound an int?: absent or empty is none; anything else must be an integer, or 400.
        string? raw = req.Query["version"];
        int? version = null;
        if (!string.IsNullOrEmpty(raw))
        {
            if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
            {
                return Problems.Malformed(new FieldError("?version", "invalid-value", $"Phiên bản '{raw}' không hợp lệ; dùng một số nguyên."));
            }
            version = parsed;
        }
        return await catalog.GetTemplateAsync(code, version, ct) is { } template
            ? TypedResults.Ok(template)
            : Problems.NotFound($"Không có mẫu báo cáo '{code}'{(version is null ? "" : $" phiên bản {version}")}.");
    }

    [Function("CreateTemplate"), EndpointSummary("Tạo mẫu, hoặc phiên bản mới của mẫu đã có")]
    [ProducesValidationProblems]
    public async Task<Results<Created<ReportTemplate>, ProblemHttpResult>> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "catalog/templates")] HttpRequest req, [JsonBody] TemplateDraft draft, CancellationToken ct)
    {
        var saved = await catalog.CreateTemplateVersionAsync(draft, ct);
        if (saved.Problem is { } refused) return refused;
        var template = saved.Value!;
        return TypedResults.Created($"/api/catalog/templates/{template.Code}?version={template.Version}", template);
    }
}

/// <summary>The reporting periods and their opening and closing, for province staff holding the admin key.</summary>
[Tags("Danh mục: kỳ báo cáo")]
[RequireAdminKey, ProducesProblem(StatusCodes.Status401Unauthorized)]
public sealed class PeriodFunctions(CatalogService catalog)
{
    [Function("ListPeriods"), EndpointSummary("Các kỳ báo cáo, lọc theo ?status=planned|open|closed")]
    [QueryParameter("status", "Trạng thái của kỳ: planned, open hoặc closed; không ghi thì lấy tất cả")]
    public async Task<Results<Ok<IReadOnlyList<Period>>, ProblemHttpResult>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "catalog/periods")] HttpRequest req, CancellationToken ct)
    {
        string? status = req.Query["status"];
        PeriodStatus? wanted = null;
        if (status is not null)
        {
            if (!Enum.TryParse<PeriodStatus>(status, ignoreCase: true, out var parsed) || int.TryParse(status, out _))
            {
                return Problems.Malformed(new FieldError("?status", "invalid-value", $"Trạng thái '{status}' không hợp lệ; dùng planned, open hoặc closed."));
            }
            wanted = parsed;
        }
        return TypedResults.Ok(await catalog.ListPeriodsAsync(wanted, ct));
    }

    [Function("GetPeriod"), EndpointSummary("Một kỳ báo cáo"), ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<Results<Ok<Period>, ProblemHttpResult>> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "catalog/periods/{periodId}")] HttpRequest req, string periodId, CancellationToken ct) =>
        await catalog.GetPeriodAsync(periodId, ct) is { } period ? TypedResults.Ok(period) : Problems.NotFound($"Không có kỳ báo cáo '{periodId}'.");

    [Function("CreatePeriod"), EndpointSummary("Lập kỳ báo cáo (trạng thái dự kiến)")]
    [EndpointDescription("Mã kỳ, tên và khoảng số liệu theo quy ước nếu không ghi: số liệu tính từ ngày 15 tháng trước kỳ đến ngày 14 tháng cuối kỳ. Hạn nộp theo giờ Việt Nam nếu không ghi múi giờ.")]
    [ProducesValidationProblems, ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<Results<Created<Period>, ProblemHttpResult>> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "catalog/periods")] HttpRequest req, [JsonBody] PeriodDraft draft, CancellationToken ct)
    {
        var saved = await catalog.CreatePeriodAsync(draft, ct);
        return saved.Problem is { } refused ? refused : TypedResults.Created($"/api/catalog/periods/{saved.Value!.Id}", saved.Value);
    }

    [Function("OpenPeriod"), EndpointSummary("Mở kỳ báo cáo"), ProducesProblem(StatusCodes.Status409Conflict)]
    public Task<Results<Ok<Period>, ProblemHttpResult>> Open(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "catalog/periods/{periodId}/open")] HttpRequest req, string periodId,
        [DurableClient] DurableTaskClient workflow, CancellationToken ct) =>
        MoveAsync(periodId, PeriodStatus.Open, workflow, ct);

    [Function("ClosePeriod"), EndpointSummary("Đóng kỳ báo cáo"), ProducesProblem(StatusCodes.Status409Conflict)]
    public Task<Results<Ok<Period>, ProblemHttpResult>> Close(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "catalog/periods/{periodId}/close")] HttpRequest req, string periodId,
        [DurableClient] DurableTaskClient workflow, CancellationToken ct) =>
        MoveAsync(periodId, PeriodStatus.Closed, workflow, ct);

    private async Task<Results<Ok<Period>, ProblemHttpResult>> MoveAsync(string periodId, PeriodStatus target, DurableTaskClient workflow, CancellationToken ct)
    {
        var moved = await catalog.MovePeriodAsync(periodId, target, workflow, ct);
        return moved.ToOk();
    }
}
