using Baocao.Hosting;

namespace Baocao.Catalog;

/// <summary>
/// Rules of the unit tree, checked on the tree as it would be after a change: codes, names, known levels,
/// known parents, no cycles, valid contact emails, no duplicates in one request.
/// </summary>
public static class UnitRules
{
    public static OrgUnit Normalize(OrgUnit unit) => unit with
    {
        Code = CatalogText.NormalizeCode(unit.Code),
        Name = CatalogText.Clean(unit.Name),
        Level = CatalogText.NormalizeCode(unit.Level),
        Parent = string.IsNullOrWhiteSpace(unit.Parent) ? null : CatalogText.NormalizeCode(unit.Parent),
        ReportingOfficer = Normalize(unit.ReportingOfficer),
        Head = Normalize(unit.Head),
    };

    public static Contact? Normalize(Contact? contact) => contact is null ? null : contact with
    {
        Name = CatalogText.Clean(contact.Name),
        Email = contact.Email.Trim().ToLowerInvariant(),
        Phone = CatalogText.CleanOptional(contact.Phone),
    };

    /// <param name="incoming">The units being added or replaced, already normalized.</param>
    /// <param name="existing">The units stored now, by code.</param>
    /// <param name="levels">The configured levels, by code.</param>
    /// <param name="pointerOf">Where unit <c>i</c> sits in the request (a JSON pointer), for error messages.</param>
    /// <param name="lineOf">The CSV line of unit <c>i</c>, when the request was CSV.</param>
    public static ValidationErrors Validate(
        IReadOnlyList<OrgUnit> incoming,
        IReadOnlyDictionary<string, OrgUnit> existing,
        IReadOnlyDictionary<string, OrgLevel> levels,
        Func<int, string> pointerOf,
        Func<int, int?>? lineOf = null)
    {
        var errors = new ValidationErrors();
        var merged = new Dictionary<string, OrgUnit>(existing);
        var firstIndex = new Dictionary<string, int>();
        for (var i = 0; i < incoming.Count; i++)
        {
            var unit = incoming[i];
            var at = pointerOf(i);
            var line = lineOf?.Invoke(i);
            if (!CatalogText.IsCode(unit.Code))
            {
                errors.Add($"{at}/code", "invalid-code", $"Mã đơn vị '{unit.Code}' không hợp lệ: {CatalogText.CodeRule}.", line);
                continue;
            }
            if (!firstIndex.TryAdd(unit.Code, i))
            {
                errors.Add($"{at}/code", "duplicate-code", $"Mã đơn vị '{unit.Code}' bị trùng với mục {firstIndex[unit.Code] + 1} trong cùng yêu cầu.", line);
                continue;
            }
            merged[unit.Code] = unit;
            if (unit.Name.Length is 0 or > 200) errors.Add($"{at}/name", "invalid-name", "Tên đơn vị không được để trống và tối đa 200 ký tự.", line);
            if (!levels.TryGetValue(unit.Level, out var level)) errors.Add($"{at}/level", "unknown-level", $"Cấp '{unit.Level}' chưa được khai báo trong danh mục cấp.", line);
            else if (level.Retired && unit.Active)
                errors.Add($"{at}/level", "retired-level", $"Cấp '{level.Code}' ({level.Name}) đã thôi sử dụng; đơn vị đang hoạt động phải thuộc cấp khác.", line);
            CheckContact(errors, $"{at}/reportingOfficer", unit.ReportingOfficer, line);
            CheckContact(errors, $"{at}/head", unit.Head, line);
        }
        for (var i = 0; i < incoming.Count; i++)
        {
            var unit = incoming[i];
            if (unit.Parent is null || !merged.TryGetValue(unit.Code, out var kept) || kept != unit) continue;
            var at = $"{pointerOf(i)}/parent";
            var line = lineOf?.Invoke(i);
            if (unit.Parent == unit.Code)
                errors.Add(at, "parent-cycle", $"Đơn vị '{unit.Code}' không thể trực thuộc chính nó.", line);
            else if (!merged.ContainsKey(unit.Parent))
                errors.Add(at, "unknown-parent", $"Đơn vị cấp trên '{unit.Parent}' của '{unit.Code}' không tồn tại.", line);
            else if (CycleThrough(unit.Code, merged) is { } cycle)
                errors.Add(at, "parent-cycle", $"Quan hệ trực thuộc tạo thành vòng lặp: {string.Join(" → ", cycle)}.", line);
        }
        return errors;
    }

    public static void CheckContact(ValidationErrors errors, string at, Contact? contact, int? line)
    {
        if (contact is null) return;
        if (contact.Name.Length == 0) errors.Add($"{at}/name", "invalid-name", "Tên người liên hệ không được để trống.", line);
        if (!CatalogText.IsEmail(contact.Email)) errors.Add($"{at}/email", "invalid-email", $"Địa chỉ email '{contact.Email}' không hợp lệ.", line);
    }

    /// <summary>The chain of codes from <paramref name="start"/> back to itself, if following parents returns there.</summary>
    private static List<string>? CycleThrough(string start, IReadOnlyDictionary<string, OrgUnit> units)
    {
        var path = new List<string> { start };
        var seen = new HashSet<string> { start };
        for (var code = units[start].Parent; code is not null && units.TryGetValue(code, out var unit); code = unit.Parent)
        {
            path.Add(code);
            if (code == start) return path;
            if (!seen.Add(code)) return null; // a cycle further up, reported at its own members
        }
        return null;
    }

    /// <summary>The active units anywhere below <paramref name="root"/> (not the root itself), each once.</summary>
    public static IReadOnlyList<OrgUnit> Descendants(string root, IReadOnlyCollection<OrgUnit> units)
    {
        var children = units.Where(u => u.Parent is not null).ToLookup(u => u.Parent!);
        var result = new List<OrgUnit>();
        var stack = new Stack<string>([root]);
        var seen = new HashSet<string>();
        while (stack.TryPop(out var code))
        {
            if (!seen.Add(code)) continue;
            foreach (var child in children[code].OrderByDescending(c => c.Code, StringComparer.Ordinal))
            {
                if (child.Active) result.Add(child);
                stack.Push(child.Code);
            }
        }
        return result;
    }
}

/// <summary>Rules of levels: a code, a name, and no retiring a level an active unit still carries.</summary>
public static class LevelRules
{
    public static OrgLevel Normalize(OrgLevel level) => level with { Code = CatalogText.NormalizeCode(level.Code), Name = CatalogText.Clean(level.Name) };

    /// <param name="at">The JSON pointer of the level in the request ("" for a body that is one level).</param>
    public static void Check(ValidationErrors errors, string at, OrgLevel level)
    {
        if (!CatalogText.IsCode(level.Code)) errors.Add($"{at}/code", "invalid-code", $"Mã cấp '{level.Code}' không hợp lệ: {CatalogText.CodeRule}.");
        if (level.Name.Length is 0 or > 200) errors.Add($"{at}/name", "invalid-name", "Tên cấp không được để trống và tối đa 200 ký tự.");
    }

    /// <summary>The refusal to retire <paramref name="level"/> while an active unit carries it, or null.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? StillActive(OrgLevel level, IReadOnlyList<OrgUnit> units)
    {
        var active = units.Where(u => u.Active && u.Level == level.Code).Select(u => u.Code).ToList();
        return active.Count == 0 ? null : Problems.Conflict("level-in-use",
            $"Không thể cho cấp '{level.Code}' thôi sử dụng: đơn vị {Few(active)} đang hoạt động vẫn thuộc cấp này.");
    }

    /// <summary>Up to ten unit codes for a sentence, and an ellipsis for the rest.</summary>
    public static string Few(IReadOnlyList<string> codes) => string.Join(", ", codes.Take(10)) + (codes.Count > 10 ? "…" : "");
}
