using System.Globalization;
using System.Text.RegularExpressions;
using Baocao.Hosting;

namespace Baocao.Catalog;

/// <summary>Turns a period draft into a period, filling in the conventions, or says everything that is wrong with it.</summary>
public static partial class PeriodRules
{
    /// <summary>Review stages a period may have: more than any committee's chain of review, few enough to list in a mail.</summary>
    public const int MaxStages = 10;

    [GeneratedRegex(@"(Z|[+-]\d{2}:?\d{2})$", RegexOptions.IgnoreCase)]
    private static partial Regex HasOffset();

    private static readonly string[] LocalFormats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF"];

    public static (Period? Period, ValidationErrors Errors) Build(
        PeriodDraft draft,
        ReportTemplate? template,
        IReadOnlyDictionary<string, OrgUnit> units,
        IReadOnlyDictionary<string, Post> posts,
        PeopleTime time)
    {
        var errors = new ValidationErrors();
        var id = draft.Id is null ? null : CatalogText.NormalizeCode(draft.Id);
        var name = CatalogText.CleanOptional(draft.Name);
        CheckNumber(errors, draft);
        CheckNaming(errors, draft, id, name);
        if (errors.Any) return (null, errors);

        if (template is null)
        {
            errors.Add(draft.TemplateVersion is null ? "/templateCode" : "/templateVersion", "unknown-template",
                $"Không có mẫu báo cáo '{draft.TemplateCode}'{(draft.TemplateVersion is { } v ? $" phiên bản {v}" : "")}.");
        }
        var (from, to) = DataWindow(errors, draft, template);
        var deadline = Deadline(errors, draft.Deadline, to, time);
        CheckScope(errors, draft.Scope, units);
        CheckStages(errors, draft.Stages, posts);
        if (!errors.Any) CheckEveryUnitHasPeople(errors, Normalize(draft.Scope), draft.Stages.Select(Normalize).ToList(), units, posts);
        var reminders = draft.Reminders ?? template?.DefaultReminders ?? PeriodCalendar.DefaultReminders;
        CheckReminders(errors, reminders);
        if (errors.Any) return (null, errors);

        var period = new Period(
            Id: id ?? PeriodCalendar.DefaultId(draft.Type, draft.Year, draft.Number)!,
            Name: name ?? PeriodCalendar.DefaultName(draft.Type, draft.Year, draft.Number)!,
            Type: draft.Type,
            Year: draft.Year,
            Number: draft.Number,
            TemplateCode: template!.Code,
            TemplateVersion: template.Version,
            DataFrom: from!.Value,
            DataTo: to!.Value,
            Deadline: deadline!.Value.ToUniversalTime(),
            Scope: Normalize(draft.Scope),
            Stages: draft.Stages.Select(Normalize).ToList(),
            Reminders: reminders,
            Status: PeriodStatus.Planned,
            CreatedAt: time.UtcNow,
            HardClose: draft.HardClose);
        return (period, errors);
    }

    /// <summary>A year the calendar knows, and a number exactly when the period's type counts its periods in a year.</summary>
    private static void CheckNumber(ValidationErrors errors, PeriodDraft draft)
    {
        if (draft.Year is < 2000 or > 2100) errors.Add("/year", "invalid-year", "Năm phải từ 2000 đến 2100.");
        if (PeriodCalendar.NumberCount(draft.Type) is { } count)
        {
            if (draft.Number is null || draft.Number < 1 || draft.Number > count)
                errors.Add("/number", "invalid-number", $"Kỳ loại này cần số thứ tự từ 1 đến {count}.");
        }
        else if (draft.Number is not null)
        {
            errors.Add("/number", "number-not-allowed", "Kỳ năm và kỳ chuyên đề không có số thứ tự.");
        }
    }

    /// <summary>A thematic period has no calendar to name it or bound its data, so it must bring its own; any id must be a code.</summary>
    private static void CheckNaming(ValidationErrors errors, PeriodDraft draft, string? id, string? name)
    {
        if (draft.Type == PeriodType.Thematic)
        {
            if (id is null) errors.Add("/id", "missing-id", "Kỳ báo cáo chuyên đề phải có mã kỳ (id).");
            if (name is null) errors.Add("/name", "missing-name", "Kỳ báo cáo chuyên đề phải có tên.");
            // Each missing end of the window is named where it belongs, so a form can mark the very field.
            if (draft.DataFrom is null) errors.Add("/dataFrom", "missing-window", "Kỳ báo cáo chuyên đề phải có ngày bắt đầu kỳ số liệu (dataFrom).");
            if (draft.DataTo is null) errors.Add("/dataTo", "missing-window", "Kỳ báo cáo chuyên đề phải có ngày chốt số liệu (dataTo).");
        }
        if (id is not null && !CatalogText.IsCode(id)) errors.Add("/id", "invalid-code", $"Mã kỳ '{draft.Id}' không hợp lệ: {CatalogText.CodeRule}.");
    }

    /// <summary>The days the figures cover: as the draft gives them, else as the calendar and the template's cutoff day make them.</summary>
    private static (DateOnly? From, DateOnly? To) DataWindow(ValidationErrors errors, PeriodDraft draft, ReportTemplate? template)
    {
        var window = PeriodCalendar.Window(draft.Type, draft.Year, draft.Number, template?.CutoffDay ?? PeriodCalendar.DefaultCutoffDay);
        var from = draft.DataFrom ?? window?.From;
        var to = draft.DataTo ?? window?.To;
        if (from is { } f && to is { } t && t < f) errors.Add("/dataTo", "window-inverted", $"Ngày chốt số liệu ({t:dd/MM/yyyy}) trước ngày bắt đầu ({f:dd/MM/yyyy}).");
        return (from, to);
    }

    /// <summary>The deadline as read, which must fall after the last day of the figures.</summary>
    private static DateTimeOffset? Deadline(ValidationErrors errors, string text, DateOnly? to, PeopleTime time)
    {
        var deadline = ParseDeadline(text, time);
        if (deadline is null)
            errors.Add("/deadline", "invalid-deadline", "Hạn nộp phải là ngày giờ ISO 8601, ví dụ 2026-06-20T17:00 (giờ Việt Nam) hoặc có múi giờ.");
        else if (to is { } cutoff && deadline < time.StartOfDay(cutoff.AddDays(1)))
            errors.Add("/deadline", "deadline-before-window",
                $"Hạn nộp ({time.ToLocal(deadline.Value):HH:mm dd/MM/yyyy}) trước khi kết thúc kỳ số liệu ({cutoff:dd/MM/yyyy}).");
        return deadline;
    }

    public static DateTimeOffset? ParseDeadline(string text, PeopleTime time)
    {
        text = text.Trim();
        if (HasOffset().IsMatch(text))
        {
            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset) ? withOffset.ToUniversalTime() : null;
        }
        return DateTime.TryParseExact(text, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local) ? time.FromLocal(local) : null;
    }

    private static PeriodScope Normalize(PeriodScope scope) => new(
        string.IsNullOrWhiteSpace(scope.Root) ? null : CatalogText.NormalizeCode(scope.Root),
        scope.Units?.Select(CatalogText.NormalizeCode).Distinct().ToList());

    private static ReviewStage Normalize(ReviewStage stage) => stage with
    {
        Code = CatalogText.NormalizeCode(stage.Code),
        Name = CatalogText.Clean(stage.Name),
        Assignees = stage.NamedPeople.Select(a => a with { Name = CatalogText.Clean(a.Name), Email = a.Email.Trim().ToLowerInvariant() }).ToList(),
        Posts = stage.PostCodes.Select(CatalogText.NormalizeCode).Distinct().ToList(),
    };

    private static void CheckScope(ValidationErrors errors, PeriodScope scope, IReadOnlyDictionary<string, OrgUnit> units)
    {
        var scoped = Normalize(scope);
        if ((scoped.Root is null) == (scoped.Units is null or { Count: 0 }))
        {
            errors.Add("/scope", "invalid-scope", "Phạm vi phải là một đơn vị gốc (root) hoặc một danh sách đơn vị (units), không phải cả hai.");
            return;
        }
        if (scoped.Root is { } root)
        {
            if (!units.ContainsKey(root)) errors.Add("/scope/root", "unknown-unit", $"Không có đơn vị '{root}'.");
            else if (UnitRules.Descendants(root, units.Values.ToList()).Count == 0) errors.Add("/scope/root", "empty-scope", $"Đơn vị '{root}' không có đơn vị trực thuộc nào đang hoạt động.");
            return;
        }
        for (var i = 0; i < scoped.Units!.Count; i++)
        {
            if (!units.TryGetValue(scoped.Units[i], out var unit)) errors.Add($"/scope/units/{i}", "unknown-unit", $"Không có đơn vị '{scoped.Units[i]}'.");
            else if (!unit.Active) errors.Add($"/scope/units/{i}", "inactive-unit", $"Đơn vị '{unit.Code}' đã ngừng hoạt động.");
        }
    }

    private static void CheckStages(ValidationErrors errors, IReadOnlyList<ReviewStage> stages, IReadOnlyDictionary<string, Post> posts)
    {
        if (stages.Count == 0) errors.Add("/stages", "no-stages", "Kỳ báo cáo phải có ít nhất một bước duyệt.");
        // Stages decide in turn, the first reviewing (thẩm định) and the last approving (phê duyệt); any number between.
        if (stages.Count > MaxStages) errors.Add("/stages", "too-many-stages", $"Kỳ báo cáo có tối đa {MaxStages} bước duyệt (nhận {stages.Count}).");
        var codes = new HashSet<string>();
        for (var s = 0; s < stages.Count; s++)
        {
            var stage = Normalize(stages[s]);
            if (!CatalogText.IsCode(stage.Code)) errors.Add($"/stages/{s}/code", "invalid-code", $"Mã bước duyệt '{stage.Code}' không hợp lệ: {CatalogText.CodeRule}.");
            else if (!codes.Add(stage.Code)) errors.Add($"/stages/{s}/code", "duplicate-code", $"Mã bước duyệt '{stage.Code}' bị trùng.");
            if (stage.Name.Length == 0) errors.Add($"/stages/{s}/name", "invalid-name", "Tên bước duyệt không được để trống.");
            if (stage.NamedPeople.Count == 0 && stage.PostCodes.Count == 0)
                errors.Add($"/stages/{s}/assignees", "no-assignees", "Bước duyệt phải có ít nhất một người duyệt hoặc một chức vụ (posts).");
            for (var a = 0; a < stage.NamedPeople.Count; a++)
            {
                if (!CatalogText.IsEmail(stage.NamedPeople[a].Email))
                    errors.Add($"/stages/{s}/assignees/{a}/email", "invalid-email", $"Địa chỉ email '{stage.NamedPeople[a].Email}' không hợp lệ.");
            }
            for (var p = 0; p < stage.PostCodes.Count; p++)
            {
                if (!posts.ContainsKey(stage.PostCodes[p])) errors.Add($"/stages/{s}/posts/{p}", "unknown-post", $"Không có chức vụ '{stage.PostCodes[p]}'.");
            }
        }
    }

    /// <summary>A stage that names only posts must reach every unit in scope: a unit outside every post's subtree would wait for nobody.</summary>
    private static void CheckEveryUnitHasPeople(
        ValidationErrors errors, PeriodScope scope, IReadOnlyList<ReviewStage> stages, IReadOnlyDictionary<string, OrgUnit> units, IReadOnlyDictionary<string, Post> posts)
    {
        var inScope = scope.Root is { } root ? UnitRules.Descendants(root, units.Values.ToList()).Select(u => u.Code).ToList() : scope.Units!;
        for (var s = 0; s < stages.Count; s++)
        {
            if (stages[s].NamedPeople.Count > 0) continue;
            var named = stages[s].PostCodes.Select(code => posts[code]).ToList();
            var nobody = inScope.Where(unit => PostRules.Nearest(named, unit, units).Count == 0).ToList();
            if (nobody.Count > 0)
                errors.Add($"/stages/{s}/posts", "unit-without-reviewer",
                    $"Không chức vụ nào của bước '{stages[s].Code}' phụ trách đơn vị {string.Join(", ", nobody)}; hãy thêm chức vụ hoặc người duyệt.");
        }
    }

    /// <summary>Each step's offset is an ISO 8601 duration and its mail one of <see cref="PeriodCalendar.ReminderTemplates"/>; a period's or a template's policy alike.</summary>
    public static void CheckReminders(ValidationErrors errors, IReadOnlyList<ReminderStep> reminders)
    {
        for (var r = 0; r < reminders.Count; r++)
        {
            if (!PeriodCalendar.TryParseOffset(reminders[r].Offset, out _))
                errors.Add($"/reminders/{r}/offset", "invalid-offset", $"'{reminders[r].Offset}' không phải khoảng thời gian ISO 8601 (ví dụ -P3D, PT0S, P2D, -PT30M).");
            if (string.IsNullOrWhiteSpace(reminders[r].Template))
                errors.Add($"/reminders/{r}/template", "missing-template", "Nhắc hạn phải có mẫu thư (template).");
            else if (!PeriodCalendar.ReminderTemplates.Contains(reminders[r].Template))
                errors.Add($"/reminders/{r}/template", "unknown-template",
                    $"Không có mẫu thư nhắc '{reminders[r].Template}'; chọn một trong {string.Join(", ", PeriodCalendar.ReminderTemplates)}.");
        }
    }
}
