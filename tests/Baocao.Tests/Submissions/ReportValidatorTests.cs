using System.Text.Json;
using Baocao.Catalog;
using Baocao.Demo;
using Baocao.Hosting;
using Baocao.Submissions;

namespace Baocao.Tests.Submissions;

public sealed class ReportValidatorTests
{
    private static readonly ReportTemplate SixMonth =
        ReportTemplate.From(TemplateRules.Normalize(DemoSeeder.Load().Template), 1, DateTimeOffset.UnixEpoch);

    private const string Narratives = """
        "narratives": { "TINH-HINH": "Tình hình Nhân dân ổn định.", "PHUONG-HUONG": "Tiếp tục nhân rộng mô hình Dân vận khéo." }
        """;

    private static (ValidatedReport? Report, ValidationErrors Errors) Validate(string json) =>
        ReportValidator.Validate(JsonBody.Parse<ReportDraft>(System.Text.Encoding.UTF8.GetBytes(json)).Value!, SixMonth);

    private static FieldError Only(ValidationErrors errors) => Assert.Single(errors.Items);

    [Fact]
    public void A_complete_report_passes_with_typed_values_and_computed_totals()
    {
        var (content, errors) = Validate($$"""
            { "values": { "DVK_TONG": 2000, "DVK_MOI": 150, "TXDT_SO_CUOC": 392, "KNTC_NHAN": 40, "KNTC_GIAI_QUYET": 38,
                          "KNTC_TY_LE": 95.0, "QCDC_SO_KET": true, "KT_BANG_KHEN": 1, "KT_GIAY_KHEN": 6 },
              {{Narratives}}, "note": "Gửi kèm danh sách mô hình." }
            """);
        Assert.False(errors.Any, string.Join("; ", errors.Items.Select(e => e.Detail)));
        Assert.Equal(2000L, content!.Values["DVK_TONG"]);
        Assert.Equal(95.0m, content.Values["KNTC_TY_LE"]);
        Assert.Equal(true, content.Values["QCDC_SO_KET"]);
        Assert.Equal(7L, content.Values["KT_TONG"]);
        Assert.Equal("Tình hình Nhân dân ổn định.", content.Narratives["TINH-HINH"]);
    }

    [Theory]
    [InlineData("\"DVK_TONG\": 12.5", "/values/DVK_TONG", "invalid-type")]
    [InlineData("\"DVK_TONG\": \"12\"", "/values/DVK_TONG", "invalid-type")]
    [InlineData("\"DVK_TONG\": -1", "/values/DVK_TONG", "below-min")]
    [InlineData("\"KNTC_TY_LE\": 101", "/values/KNTC_TY_LE", "above-max")]
    [InlineData("\"QCDC_SO_KET\": \"có\"", "/values/QCDC_SO_KET", "invalid-type")]
    [InlineData("\"DVK_MOI\": 3000", "/values/DVK_MOI", "exceeds-parent")]
    [InlineData("\"KT_TONG\": 7", "/values/KT_TONG", "derived-value")]
    [InlineData("\"KHONG_CO\": 1", "/values/KHONG_CO", "unknown-indicator")]
    public void A_wrong_value_is_named_by_its_pointer_and_code(string extra, string pointer, string code)
    {
        var (content, errors) = Validate($$"""
            { "values": { "DVK_TONG": 2000, "TXDT_SO_CUOC": 392, "KNTC_NHAN": 40, {{extra}} }, {{Narratives}} }
            """.Replace("\"DVK_TONG\": 2000, \"TXDT_SO_CUOC\": 392, \"KNTC_NHAN\": 40, \"DVK_TONG\"", "\"TXDT_SO_CUOC\": 392, \"KNTC_NHAN\": 40, \"DVK_TONG\"", StringComparison.Ordinal));
        Assert.Null(content);
        var error = Only(errors);
        Assert.Equal(pointer, error.Pointer);
        Assert.Equal(code, error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.Detail));
    }

    [Fact]
    public void Missing_required_values_and_narratives_are_all_listed()
    {
        var (_, errors) = Validate("""{ "values": { "DVK_TONG": 10 } }""");
        var pointers = errors.Items.Where(e => e.Code == "required").Select(e => e.Pointer).ToHashSet();
        Assert.Equal(new HashSet<string> { "/values/TXDT_SO_CUOC", "/values/KNTC_NHAN", "/narratives/TINH-HINH", "/narratives/PHUONG-HUONG" }, pointers);
        Assert.Contains("bắt buộc", errors.Items[0].Detail);
    }

    [Fact]
    public void Narrative_for_an_unknown_section_or_a_figures_only_section_is_refused()
    {
        var (_, errors) = Validate("""
            { "values": { "DVK_TONG": 1, "TXDT_SO_CUOC": 1, "KNTC_NHAN": 1 },
              "narratives": { "TINH-HINH": "a", "PHUONG-HUONG": "b", "KHEN-THUONG": "c", "PHAN-LA": "d" } }
            """);
        Assert.Equal(["narrative-not-allowed", "unknown-section"], errors.Items.Select(e => e.Code).Order().ToArray());
    }

    [Fact]
    public void A_blank_required_narrative_counts_as_missing()
    {
        var (_, errors) = Validate("""{ "values": { "DVK_TONG": 1, "TXDT_SO_CUOC": 1, "KNTC_NHAN": 1 }, "narratives": { "TINH-HINH": "   ", "PHUONG-HUONG": "b" } }""");
        Assert.Equal("/narratives/TINH-HINH", Only(errors).Pointer);
    }
}
