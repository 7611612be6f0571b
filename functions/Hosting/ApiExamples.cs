using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Baocao.Hosting;

/// <summary>
/// One example request of an operation: values for its route parameters and a body, each for the media type it is sent
/// as. Taken together, in the order listed, the examples run against the demo province (functions/Demo/demo-catalog.json,
/// period 2026-H1) and every one succeeds; a test sends them all.
/// </summary>
public sealed record ApiExample(IReadOnlyDictionary<string, string> Route, IReadOnlyDictionary<string, string> Bodies);

/// <summary>The example requests the API's document carries, by function name.</summary>
public static class ApiExamples
{
    private const string Json = "application/json";
    private const string Form = "application/x-www-form-urlencoded";

    private static ApiExample Body(string json, params (string Name, string Value)[] route) =>
        new(route.ToDictionary(r => r.Name, r => r.Value), new Dictionary<string, string> { [Json] = json });

    public static readonly IReadOnlyDictionary<string, ApiExample> ByFunction = new Dictionary<string, ApiExample>(StringComparer.Ordinal)
    {
        ["ReplaceLevels"] = Body("""
            [
              {"code":"TINH","name":"Ban Dân vận Tỉnh ủy","order":0},
              {"code":"HUYEN","name":"Ban Dân vận huyện ủy, thị ủy, thành ủy","order":1},
              {"code":"LLVT","name":"Đảng ủy lực lượng vũ trang","order":2},
              {"code":"MTTQ","name":"Mặt trận Tổ quốc","order":3},
              {"code":"CTXH","name":"Tổ chức chính trị - xã hội","order":4}
            ]
            """),
        ["SaveLevel"] = Body("""
            {"code":"XA","name":"Đảng ủy xã, phường","order":5}
            """, ("code", "XA")),
        ["CreateUnit"] = Body("""
            {"code":"HU-THANHSON","name":"Ban Dân vận Huyện ủy Thanh Sơn","level":"HUYEN","parent":"BDV-TU",
             "reportingOfficer":{"name":"Lương Văn Bình","email":"binh.thanhson@anhoa.example","phone":"0912 345 618"},
             "head":{"name":"Tạ Thị Ngọc","email":"ngoc.thanhson@anhoa.example"}}
            """),
        ["ReplaceUnit"] = Body("""
            {"code":"HU-DONGSON","name":"Ban Dân vận Huyện ủy Đông Sơn","level":"HUYEN","parent":"BDV-TU","active":true,
             "reportingOfficer":{"name":"Lê Minh Tuấn","email":"tuan.dongson@anhoa.example","phone":"0912 345 602"},
             "head":{"name":"Phạm Thị Hồng","email":"hong.dongson@anhoa.example"}}
            """, ("code", "HU-DONGSON")),
        ["ImportUnits"] = new(new Dictionary<string, string>(), new Dictionary<string, string>
        {
            [Json] = """
                [
                  {"code":"HU-SONGCAU","name":"Ban Dân vận Huyện ủy Sông Cầu","level":"HUYEN","parent":"BDV-TU",
                   "reportingOfficer":{"name":"Đinh Thị Hoa","email":"hoa.songcau@anhoa.example"}},
                  {"code":"HCTD","name":"Hội Chữ thập đỏ tỉnh","level":"CTXH","parent":"BDV-TU",
                   "reportingOfficer":{"name":"Mai Văn Tiến","email":"tien.hctd@anhoa.example"}}
                ]
                """,
            ["text/csv"] = """
                code,name,level,parent,active,officerName,officerEmail,officerPhone,headName,headEmail
                HU-SONGCAU,Ban Dân vận Huyện ủy Sông Cầu,HUYEN,BDV-TU,true,Đinh Thị Hoa,hoa.songcau@anhoa.example,,Nông Văn Hải,hai.songcau@anhoa.example
                """,
        }),
        ["SavePost"] = Body("""
            {"code":"CV-KHOI-HUYEN","name":"Chuyên viên phụ trách khối huyện","unit":"BDV-TU",
             "holder":{"name":"Nguyễn Thị Thu Hà","email":"thuha.bdv@anhoa.example"},
             "delegations":[{"acting":{"name":"Phan Văn Nam","email":"nam.bdv@anhoa.example"},"from":"2026-12-01","to":"2026-12-05"}]}
            """, ("code", "CV-KHOI-HUYEN")),
        ["CreateTemplate"] = Body("""
            {"code":"CD-DVK","name":"Báo cáo chuyên đề phong trào thi đua \"Dân vận khéo\"","cutoffDay":14,
             "description":"Báo cáo chuyên đề gửi Ban Dân vận Tỉnh ủy trước hội nghị biểu dương.",
             "sections":[
               {"code":"KET-QUA","title":"I. Kết quả thực hiện","guidance":"Nêu kết quả nổi bật, mô hình tiêu biểu.","narrativeRequired":true,
                "indicators":[
                  {"code":"MH_TONG","name":"Tổng số mô hình \"Dân vận khéo\"","type":"integer","unit":"mô hình","sumOf":["MH_KINH_TE","MH_XA_HOI"]},
                  {"code":"MH_KINH_TE","name":"Mô hình trên lĩnh vực kinh tế","type":"integer","unit":"mô hình","required":true,"min":0},
                  {"code":"MH_XA_HOI","name":"Mô hình trên lĩnh vực văn hóa - xã hội","type":"integer","unit":"mô hình","required":true,"min":0}
                ]},
               {"code":"KIEN-NGHI","title":"II. Đề xuất, kiến nghị","narrative":true}
             ]}
            """),
        ["CreatePeriod"] = Body("""
            {"type":"quarter","year":2026,"number":4,"templateCode":"SK6T","deadline":"2026-12-20T17:00",
             "scope":{"root":"BDV-TU"},
             "stages":[
               {"code":"THAM-DINH","name":"Chuyên viên thẩm định","assignees":[{"name":"Nguyễn Thị Thu Hà","email":"thuha.bdv@anhoa.example"}]},
               {"code":"PHE-DUYET","name":"Lãnh đạo Ban phê duyệt","assignees":[{"name":"Trần Văn Dũng","email":"tvdung.truongban@anhoa.example"}]}
             ]}
            """),
        ["RequestExtension"] = Body("""
            {"kind":"extension","until":"2026-12-05T17:00","reason":"Huyện đang tổ chức hội nghị sơ kết, xin gia hạn để tổng hợp đủ số liệu các xã."}
            """, ("periodId", "2026-H1"), ("unitId", "HU-KIMTHANH")),
        ["GrantExtension"] = Body("""
            {"deadline":"2026-12-05T17:00","reason":"Đồng ý gia hạn do huyện tổ chức hội nghị sơ kết."}
            """, ("instanceId", "2026-H1~HU-PHULOC")),
        ["RefuseExtension"] = Body("""
            {"reason":"Hạn nộp đã được thông báo từ đầu kỳ; đề nghị đơn vị gửi báo cáo đúng hạn."}
            """, ("instanceId", "2026-H1~HU-KIMTHANH")),
        ["ReassignInstance"] = Body("""
            {"to":{"name":"Phan Văn Nam","email":"nam.bdv@anhoa.example"},"reason":"Chị Thu Hà đi công tác, giao anh Nam thẩm định thay."}
            """, ("instanceId", "2026-H1~HU-DONGSON")),
        ["ReopenInstance"] = Body("""
            {"reason":"Số liệu mục III chưa khớp với báo cáo của Ủy ban nhân dân huyện; đề nghị rà soát lại.","reasonCode":"sai-so-lieu"}
            """, ("instanceId", "2026-H1~TPU-ANHOA")),
        ["RaiseInstanceEvent"] = Body("""
            {"event":"note","reason":"Đơn vị đã báo qua điện thoại sẽ nộp báo cáo trong tuần."}
            """, ("instanceId", "2026-H1~TXU-BINHMINH")),
        ["TerminateInstance"] = Body("""
            {"reason":"Đơn vị sáp nhập vào Ban Dân vận Thành ủy An Hòa, không còn báo cáo riêng.","reasonCode":"sap-nhap"}
            """, ("instanceId", "2026-H1~DUBDBP")),
        // The multipart body's example is the submission's own (SubmissionOperationTransformer); here, whose report it is.
        ["SubmitReport"] = new(new Dictionary<string, string> { ["periodId"] = "2026-H1", ["unitId"] = "HU-DONGSON" }, new Dictionary<string, string>()),
        // The review page's form, as a script sends it: the token comes from the page (see docs/review.md).
        ["DecideReview"] = new(new Dictionary<string, string>(), new Dictionary<string, string>
        {
            [Form] = """{"decision":"return","comment":"Đề nghị bổ sung số liệu mục III: số cuộc tiếp xúc, đối thoại chưa khớp với báo cáo quý.","__RequestVerificationToken":"CfDJ8N3x…"}""",
        }),
        ["SetMailSinkFaults"] = Body("""
            {"statuses":[429,503],"count":2,"retryAfter":"00:00:30"}
            """),
    };

    /// <summary>Puts the function's example into its operation: route values on the parameters, bodies on their media types.</summary>
    public static void Attach(OpenApiOperation operation, string function)
    {
        if (!ByFunction.TryGetValue(function, out var example)) return;
        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
        {
            if (parameter.In == ParameterLocation.Path && parameter.Name is { } name && example.Route.TryGetValue(name, out var value))
            {
                parameter.Example = JsonValue.Create(value);
            }
        }
        foreach (var (contentType, body) in example.Bodies)
        {
            if (operation.RequestBody?.Content?.TryGetValue(contentType, out var media) != true) continue;
            media!.Example = contentType is Json or Form ? JsonNode.Parse(body) : JsonValue.Create(body);
        }
    }
}
