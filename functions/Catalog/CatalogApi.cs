using System.Text;
using Baocao.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Baocao.Catalog;

/// <summary>The admin API of the catalogue: levels, units (with JSON and CSV import), posts, templates and periods.</summary>
public static class CatalogApi
{
    public static IServiceCollection AddCatalog(this IServiceCollection services) =>
        services.AddSingleton<CatalogStore>().AddSingleton<CatalogService>();

    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/catalog").RequireAdminKey()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        var levels = api.MapGroup("/levels").WithTags("Danh mục: cấp");
        levels.MapGet("/", GetLevels).WithName("ListLevels").WithSummary("Các cấp của cây đơn vị");
        levels.MapPut("/", ReplaceLevels).WithName("ReplaceLevels").WithSummary("Thay danh sách cấp")
            .Accepts<List<OrgLevel>>("application/json").ProducesValidationProblems().ProducesProblem(StatusCodes.Status409Conflict);

        var units = api.MapGroup("/units").WithTags("Danh mục: đơn vị");
        units.MapGet("/", GetUnits).WithName("ListUnits").WithSummary("Tất cả đơn vị");
        units.MapGet("/{code}", GetUnit).WithName("GetUnit").WithSummary("Một đơn vị").ProducesProblem(StatusCodes.Status404NotFound);
        units.MapPost("/", CreateUnit).WithName("CreateUnit").WithSummary("Thêm một đơn vị")
            .Accepts<OrgUnit>("application/json").ProducesValidationProblems().ProducesProblem(StatusCodes.Status409Conflict);
        units.MapPut("/{code}", ReplaceUnit).WithName("ReplaceUnit").WithSummary("Sửa (hoặc thêm) một đơn vị; đặt active=false để ngừng")
            .Accepts<OrgUnit>("application/json").ProducesValidationProblems();
        units.MapPost("/import", ImportUnits).WithName("ImportUnits")
            .WithSummary("Nhập nhiều đơn vị từ JSON (mảng) hoặc CSV (text/csv)")
            .WithDescription($"CSV UTF-8, dòng đầu là tiêu đề, các cột: {string.Join(",", UnitCsv.Columns)}. Toàn bộ tệp được kiểm tra trước; có lỗi thì không ghi gì.")
            .Accepts<List<OrgUnit>>("application/json", "text/csv").ProducesValidationProblems().ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        var posts = api.MapGroup("/posts").WithTags("Danh mục: chức vụ");
        posts.MapGet("/", ListPosts).WithName("ListPosts").WithSummary("Các chức vụ, người giữ và ủy quyền");
        posts.MapGet("/{code}", GetPost).WithName("GetPost").WithSummary("Một chức vụ").ProducesProblem(StatusCodes.Status404NotFound);
        posts.MapPut("/{code}", SavePost).WithName("SavePost")
            .WithSummary("Thêm hoặc sửa chức vụ: đơn vị phụ trách (cả cây bên dưới), người giữ, các lần ủy quyền")
            .WithDescription("Ủy quyền (delegations) tính theo ngày giờ Việt Nam, tính cả ngày đầu và ngày cuối; các lần ủy quyền không được trùng ngày.")
            .Accepts<Post>("application/json").ProducesValidationProblems().ProducesProblem(StatusCodes.Status409Conflict);
        posts.MapDelete("/{code}", DeletePost).WithName("DeletePost").WithSummary("Xoá chức vụ không còn kỳ nào đang dùng")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        var templates = api.MapGroup("/templates").WithTags("Danh mục: mẫu báo cáo");
        templates.MapGet("/", ListTemplates).WithName("ListTemplates").WithSummary("Phiên bản mới nhất của mỗi mẫu");
        templates.MapGet("/{code}", GetTemplate).WithName("GetTemplate").WithSummary("Một mẫu: phiên bản mới nhất, hoặc ?version=n")
            .ProducesProblem(StatusCodes.Status404NotFound);
        templates.MapPost("/", CreateTemplate).WithName("CreateTemplate").WithSummary("Tạo mẫu, hoặc phiên bản mới của mẫu đã có")
            .Accepts<TemplateDraft>("application/json").ProducesValidationProblems();

        var periods = api.MapGroup("/periods").WithTags("Danh mục: kỳ báo cáo");
        periods.MapGet("/", ListPeriods).WithName("ListPeriods").WithSummary("Các kỳ báo cáo, lọc theo ?status=planned|open|closed");
        periods.MapGet("/{periodId}", GetPeriod).WithName("GetPeriod").WithSummary("Một kỳ báo cáo").ProducesProblem(StatusCodes.Status404NotFound);
        periods.MapPost("/", CreatePeriod).WithName("CreatePeriod").WithSummary("Lập kỳ báo cáo (trạng thái dự kiến)")
            .WithDescription("Mã kỳ, tên và khoảng số liệu theo quy ước nếu không ghi: số liệu tính từ ngày 15 tháng trước kỳ đến ngày 14 tháng cuối kỳ. Hạn nộp theo giờ Việt Nam nếu không ghi múi giờ.")
            .Accepts<PeriodDraft>("application/json").ProducesValidationProblems().ProducesProblem(StatusCodes.Status409Conflict);
        periods.MapPost("/{periodId}/open", OpenPeriod).WithName("OpenPeriod").WithSummary("Mở kỳ báo cáo").ProducesProblem(StatusCodes.Status409Conflict);
        periods.MapPost("/{periodId}/close", ClosePeriod).WithName("ClosePeriod").WithSummary("Đóng kỳ báo cáo").ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    public static async Task<Ok<IReadOnlyList<OrgLevel>>> GetLevels(CatalogService catalog, CancellationToken ct) =>
        TypedResults.Ok(await catalog.GetLevelsAsync(ct));

    public static async Task<Results<Ok<IReadOnlyList<OrgLevel>>, ProblemHttpResult>> ReplaceLevels(HttpRequest request, CatalogService catalog, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<List<OrgLevel>>(request, ct);
        if (body.Problem is { } problem) return problem;
        var saved = await catalog.ReplaceLevelsAsync(body.Value!, ct);
        return saved.ToOk();
    }

    public static async Task<Ok<IReadOnlyList<OrgUnit>>> GetUnits(CatalogService catalog, CancellationToken ct) =>
        TypedResults.Ok(await catalog.GetUnitsAsync(ct));

    public static async Task<Results<Ok<OrgUnit>, ProblemHttpResult>> GetUnit(string code, CatalogService catalog, CancellationToken ct) =>
        await catalog.GetUnitAsync(code, ct) is { } unit ? TypedResults.Ok(unit) : Problems.NotFound($"Không có đơn vị '{code}'.");

    public static async Task<Results<Created<OrgUnit>, ProblemHttpResult>> CreateUnit(HttpRequest request, CatalogService catalog, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<OrgUnit>(request, ct);
        if (body.Problem is { } problem) return problem;
        var saved = await catalog.SaveUnitsAsync([body.Value!], createOnly: true, _ => "", null, ct);
        if (saved.Problem is { } refused) return refused;
        var unit = (await catalog.GetUnitAsync(body.Value!.Code, ct))!;
        return TypedResults.Created($"/api/catalog/units/{unit.Code}", unit);
    }

    public static async Task<Results<Ok<OrgUnit>, ProblemHttpResult>> ReplaceUnit(string code, HttpRequest request, CatalogService catalog, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<OrgUnit>(request, ct);
        if (body.Problem is { } problem) return problem;
        if (CatalogText.NormalizeCode(body.Value!.Code) != CatalogText.NormalizeCode(code))
        {
            return Problems.Validation([new FieldError("/code", "code-mismatch", $"Mã đơn vị trong nội dung ('{body.Value.Code}') khác mã trên đường dẫn ('{code}').")]);
        }
        var saved = await catalog.SaveUnitsAsync([body.Value], createOnly: false, _ => "", null, ct);
        return saved.Problem is { } refused ? refused : TypedResults.Ok((await catalog.GetUnitAsync(code, ct))!);
    }

    public static async Task<Results<Ok<ImportResult>, ProblemHttpResult>> ImportUnits(HttpRequest request, CatalogService catalog, CancellationToken ct)
    {
        Outcome<ImportResult> saved;
        if (request.ContentType?.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) == true)
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            var (rows, error) = UnitCsv.Parse(await reader.ReadToEndAsync(ct));
            if (error is not null) return Problems.Malformed(error);
            saved = await catalog.SaveUnitsAsync(rows.Select(r => r.Unit).ToList(), createOnly: false,
                i => $"/{rows[i].Line}", i => rows[i].Line, ct);
        }
        else
        {
            var body = await JsonBody.ReadAsync<List<OrgUnit>>(request, ct);
            if (body.Problem is { } problem)
            {
                return problem.StatusCode == StatusCodes.Status415UnsupportedMediaType
                    ? Problems.UnsupportedMediaType("Nhập đơn vị bằng JSON (application/json) hoặc CSV (text/csv).")
                    : problem;
            }
            saved = await catalog.SaveUnitsAsync(body.Value!, createOnly: false, i => $"/{i}", null, ct);
        }
        return saved.ToOk();
    }

    public static async Task<Ok<IReadOnlyList<Post>>> ListPosts(CatalogService catalog, CancellationToken ct) =>
        TypedResults.Ok(await catalog.GetPostsAsync(ct));

    public static async Task<Results<Ok<Post>, ProblemHttpResult>> GetPost(string code, CatalogService catalog, CancellationToken ct) =>
        await catalog.GetPostAsync(code, ct) is { } post ? TypedResults.Ok(post) : Problems.NotFound($"Không có chức vụ '{code}'.");

    public static async Task<Results<Created<Post>, Ok<Post>, ProblemHttpResult>> SavePost(string code, HttpRequest request, CatalogService catalog, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<Post>(request, ct);
        if (body.Problem is { } problem) return problem;
        if (CatalogText.NormalizeCode(body.Value!.Code) != CatalogText.NormalizeCode(code))
        {
            return Problems.Validation([new FieldError("/code", "code-mismatch", $"Mã chức vụ trong nội dung ('{body.Value.Code}') khác mã trên đường dẫn ('{code}').")]);
        }
        var saved = await catalog.SavePostAsync(body.Value, ct);
        if (saved.Problem is { } refused) return refused;
        var (post, created) = saved.Value;
        return created ? TypedResults.Created($"/api/catalog/posts/{post.Code}", post) : TypedResults.Ok(post);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeletePost(string code, CatalogService catalog, CancellationToken ct)
    {
        var deleted = await catalog.DeletePostAsync(code, ct);
        return deleted.Problem is { } refused ? refused : TypedResults.NoContent();
    }

    public static async Task<Ok<IReadOnlyList<ReportTemplate>>> ListTemplates(CatalogService catalog, CancellationToken ct) =>
        TypedResults.Ok(await catalog.ListLatestTemplatesAsync(ct));

    public static async Task<Results<Ok<ReportTemplate>, ProblemHttpResult>> GetTemplate(string code, int? version, CatalogService catalog, CancellationToken ct) =>
        await catalog.GetTemplateAsync(code, version, ct) is { } template
            ? TypedResults.Ok(template)
            : Problems.NotFound($"Không có mẫu báo cáo '{code}'{(version is null ? "" : $" phiên bản {version}")}.");

    public static async Task<Results<Created<ReportTemplate>, ProblemHttpResult>> CreateTemplate(HttpRequest request, CatalogService catalog, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<TemplateDraft>(request, ct);
        if (body.Problem is { } problem) return problem;
        var saved = await catalog.CreateTemplateVersionAsync(body.Value!, ct);
        if (saved.Problem is { } refused) return refused;
        var template = saved.Value!;
        return TypedResults.Created($"/api/catalog/templates/{template.Code}?version={template.Version}", template);
    }

    public static async Task<Results<Ok<IReadOnlyList<Period>>, ProblemHttpResult>> ListPeriods(string? status, CatalogService catalog, CancellationToken ct)
    {
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

    public static async Task<Results<Ok<Period>, ProblemHttpResult>> GetPeriod(string periodId, CatalogService catalog, CancellationToken ct) =>
        await catalog.GetPeriodAsync(periodId, ct) is { } period ? TypedResults.Ok(period) : Problems.NotFound($"Không có kỳ báo cáo '{periodId}'.");

    public static async Task<Results<Created<Period>, ProblemHttpResult>> CreatePeriod(HttpRequest request, CatalogService catalog, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<PeriodDraft>(request, ct);
        if (body.Problem is { } problem) return problem;
        var saved = await catalog.CreatePeriodAsync(body.Value!, ct);
        return saved.Problem is { } refused ? refused : TypedResults.Created($"/api/catalog/periods/{saved.Value!.Id}", saved.Value);
    }

    public static Task<Results<Ok<Period>, ProblemHttpResult>> OpenPeriod(string periodId, CatalogService catalog, CancellationToken ct) =>
        Move(periodId, PeriodStatus.Open, catalog, ct);

    public static Task<Results<Ok<Period>, ProblemHttpResult>> ClosePeriod(string periodId, CatalogService catalog, CancellationToken ct) =>
        Move(periodId, PeriodStatus.Closed, catalog, ct);

    private static async Task<Results<Ok<Period>, ProblemHttpResult>> Move(string periodId, PeriodStatus target, CatalogService catalog, CancellationToken ct)
    {
        var moved = await catalog.MovePeriodAsync(periodId, target, ct);
        return moved.ToOk();
    }
}
