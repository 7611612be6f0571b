using Baocao.Catalog;

namespace Baocao.Review;

/// <summary>
/// What a reviewer sent from the page: approve, or return with a comment (required), reason codes and comments on
/// specific figures. Read from the form by hand; anything unknown is ignored, anything missing is said in Vietnamese.
/// </summary>
public sealed record ReviewDecision(bool Approve, string? Comment, IReadOnlyList<string> Reasons, IReadOnlyDictionary<string, string> FieldComments)
{
    public const string FieldPrefix = "field:";

    /// <summary>Why a unit's report goes back, as a reviewer ticks them.</summary>
    public static readonly IReadOnlyDictionary<string, string> ReasonNames = new Dictionary<string, string>
    {
        ["so-lieu"] = "Số liệu chưa chính xác hoặc chưa khớp",
        ["thieu-noi-dung"] = "Thiếu nội dung theo đề cương",
        ["thieu-tep"] = "Thiếu tài liệu kèm theo",
        ["the-thuc"] = "Chưa đúng thể thức văn bản",
    };

    public string Name => Approve ? "approve" : "return";

    /// <summary>The decision in a form, or null when the form names none.</summary>
    public static ReviewDecision? From(IFormCollection form, IEnumerable<string> indicatorCodes)
    {
        var approve = form["decision"].ToString() switch
        {
            "approve" => true,
            "return" => (bool?)false,
            _ => null,
        };
        if (approve is null) return null;
        var fields = indicatorCodes
            .Select(code => (code, text: CatalogText.CleanOptional(form[FieldPrefix + code].ToString())))
            .Where(f => f.text is not null)
            .ToDictionary(f => f.code, f => f.text!);
        var reasons = form["reason"].OfType<string>().Where(ReasonNames.ContainsKey).Distinct().ToList();
        return new ReviewDecision(approve.Value, CatalogText.CleanOptional(form["comment"].ToString()), reasons, fields);
    }

    /// <summary>The history's comment: the reviewer's words, then one line per commented figure.</summary>
    public string? HistoryComment(IReadOnlyDictionary<string, string> indicatorNames) =>
        FieldComments.Count == 0 ? Comment
        : string.Join('\n', new[] { Comment }.OfType<string>().Concat(FieldComments.Select(f => $"• {indicatorNames.GetValueOrDefault(f.Key, f.Key)}: {f.Value}")));

    public string? ReasonCode => Reasons.Count == 0 ? null : string.Join(',', Reasons);
}
