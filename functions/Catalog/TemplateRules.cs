using Baocao.Hosting;

namespace Baocao.Catalog;

/// <summary>
/// Rules of a report template: unique codes, sensible bounds, and derived figures ("of which" sub-counts and sums)
/// that reference known numeric indicators without going round in circles.
/// </summary>
public static class TemplateRules
{
    public static TemplateDraft Normalize(TemplateDraft draft) => draft with
    {
        Code = CatalogText.NormalizeCode(draft.Code),
        Name = CatalogText.Clean(draft.Name),
        Description = CatalogText.CleanOptional(draft.Description),
        Sections = draft.Sections.Select(s => s with
        {
            Code = CatalogText.NormalizeCode(s.Code),
            Title = CatalogText.Clean(s.Title),
            Guidance = CatalogText.CleanOptional(s.Guidance),
            Indicators = s.IndicatorList.Select(i => i with
            {
                Code = CatalogText.NormalizeCode(i.Code),
                Name = CatalogText.Clean(i.Name),
                Unit = CatalogText.CleanOptional(i.Unit),
                PartOf = string.IsNullOrWhiteSpace(i.PartOf) ? null : CatalogText.NormalizeCode(i.PartOf),
                SumOf = i.SumOf?.Select(CatalogText.NormalizeCode).ToList(),
            }).ToList(),
        }).ToList(),
    };

    public static ValidationErrors Validate(TemplateDraft draft)
    {
        var errors = new ValidationErrors();
        if (!CatalogText.IsCode(draft.Code)) errors.Add("/code", "invalid-code", $"Mã mẫu báo cáo '{draft.Code}' không hợp lệ: {CatalogText.CodeRule}.");
        if (draft.Name.Length is 0 or > 300) errors.Add("/name", "invalid-name", "Tên mẫu báo cáo không được để trống và tối đa 300 ký tự.");
        if (draft.CutoffDay is < 1 or > 28) errors.Add("/cutoffDay", "invalid-cutoff-day", "Ngày chốt số liệu phải từ 1 đến 28.");
        if (draft.Sections.Count == 0) errors.Add("/sections", "no-sections", "Mẫu báo cáo phải có ít nhất một phần.");
        if (draft.Reminders is { } reminders) PeriodRules.CheckReminders(errors, reminders);

        var sectionCodes = new HashSet<string>();
        var indicators = new Dictionary<string, (Indicator Indicator, string Pointer)>();
        for (var s = 0; s < draft.Sections.Count; s++)
        {
            var section = draft.Sections[s];
            var at = $"/sections/{s}";
            if (!CatalogText.IsCode(section.Code)) errors.Add($"{at}/code", "invalid-code", $"Mã phần '{section.Code}' không hợp lệ: {CatalogText.CodeRule}.");
            else if (!sectionCodes.Add(section.Code)) errors.Add($"{at}/code", "duplicate-code", $"Mã phần '{section.Code}' bị trùng.");
            if (section.Title.Length == 0) errors.Add($"{at}/title", "invalid-title", "Tiêu đề phần không được để trống.");
            if (!section.Narrative && section.NarrativeRequired) errors.Add($"{at}/narrativeRequired", "narrative-disabled", "Phần không có nội dung thuyết minh thì không thể bắt buộc thuyết minh.");
            for (var i = 0; i < section.IndicatorList.Count; i++)
            {
                var indicator = section.IndicatorList[i];
                var pointer = $"{at}/indicators/{i}";
                if (!CatalogText.IsCode(indicator.Code)) errors.Add($"{pointer}/code", "invalid-code", $"Mã chỉ tiêu '{indicator.Code}' không hợp lệ: {CatalogText.CodeRule}.");
                else if (!indicators.TryAdd(indicator.Code, (indicator, pointer))) errors.Add($"{pointer}/code", "duplicate-code", $"Mã chỉ tiêu '{indicator.Code}' bị trùng.");
                CheckBounds(errors, indicator, pointer);
            }
        }
        foreach (var (indicator, pointer) in indicators.Values)
        {
            CheckReferences(errors, indicator, pointer, indicators);
        }
        if (!errors.Any && CatalogStore.Serialize(draft).Length > CatalogStore.MaxRecordChars)
        {
            errors.Add("", "too-large", "Mẫu báo cáo quá lớn (vượt 32.000 ký tự); hãy rút gọn phần hướng dẫn.");
        }
        return errors;
    }

    private static void CheckBounds(ValidationErrors errors, Indicator indicator, string at)
    {
        if (indicator.Name.Length == 0) errors.Add($"{at}/name", "invalid-name", "Tên chỉ tiêu không được để trống.");
        if (!indicator.IsNumeric && (indicator.Min is not null || indicator.Max is not null))
            errors.Add($"{at}/min", "bounds-on-non-number", "Chỉ tiêu không phải số thì không có giá trị tối thiểu/tối đa.");
        if (indicator.Min is { } min && indicator.Max is { } max && min > max)
            errors.Add($"{at}/min", "min-above-max", $"Giá trị tối thiểu ({min}) lớn hơn giá trị tối đa ({max}).");
        if (indicator.Type == IndicatorType.Percentage && (indicator.Min < 0 || indicator.Max > 100))
            errors.Add($"{at}/max", "percentage-out-of-range", "Tỷ lệ phần trăm phải nằm trong khoảng 0–100.");
        if (indicator.IsDerived && indicator.Required)
            errors.Add($"{at}/required", "derived-required", "Chỉ tiêu tổng được tính tự động, không thể bắt buộc nhập.");
    }

    private static void CheckReferences(ValidationErrors errors, Indicator indicator, string at,
        IReadOnlyDictionary<string, (Indicator Indicator, string Pointer)> all)
    {
        if (indicator.PartOf is { } parent)
        {
            if (!all.TryGetValue(parent, out var target))
                errors.Add($"{at}/partOf", "unknown-indicator", $"Chỉ tiêu '{indicator.Code}' là \"trong đó\" của chỉ tiêu '{parent}' không tồn tại.");
            else if (!indicator.IsNumeric || !target.Indicator.IsNumeric)
                errors.Add($"{at}/partOf", "part-of-non-number", $"Chỉ số \"trong đó\" '{indicator.Code}' và chỉ tiêu cha '{parent}' đều phải là số.");
            else if (Chain(indicator.Code, c => all.TryGetValue(c, out var x) ? x.Indicator.PartOf is { } p ? [p] : [] : []))
                errors.Add($"{at}/partOf", "reference-cycle", $"Quan hệ \"trong đó\" của '{indicator.Code}' tạo thành vòng lặp.");
        }
        if (indicator.SumOf is not { Count: > 0 } parts) return;
        if (!indicator.IsNumeric) errors.Add($"{at}/sumOf", "sum-of-non-number", $"Chỉ tiêu tổng '{indicator.Code}' phải là số.");
        for (var p = 0; p < parts.Count; p++)
        {
            if (!all.TryGetValue(parts[p], out var part))
                errors.Add($"{at}/sumOf/{p}", "unknown-indicator", $"Chỉ tiêu tổng '{indicator.Code}' cộng từ chỉ tiêu '{parts[p]}' không tồn tại.");
            else if (!part.Indicator.IsNumeric)
                errors.Add($"{at}/sumOf/{p}", "sum-of-non-number", $"Chỉ tiêu '{parts[p]}' không phải số nên không cộng được.");
        }
        if (Chain(indicator.Code, c => all.TryGetValue(c, out var x) ? x.Indicator.SumOf ?? [] : []))
            errors.Add($"{at}/sumOf", "reference-cycle", $"Chỉ tiêu tổng '{indicator.Code}' (trực tiếp hoặc gián tiếp) cộng từ chính nó.");
    }

    /// <summary>Whether following <paramref name="next"/> from <paramref name="start"/> comes back to it.</summary>
    private static bool Chain(string start, Func<string, IReadOnlyList<string>> next)
    {
        var seen = new HashSet<string>();
        var stack = new Stack<string>(next(start));
        while (stack.TryPop(out var code))
        {
            if (code == start) return true;
            if (!seen.Add(code)) continue;
            foreach (var n in next(code)) stack.Push(n);
        }
        return false;
    }
}
