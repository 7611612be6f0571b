using System.Text.Json.Serialization;
using Baocao.Hosting;

namespace Baocao.Catalog;

/// <summary>
/// A holder's stand-in (người được ủy quyền) for a range of local dates (Asia/Ho_Chi_Minh), both days included: while it
/// lasts, review mail for the post goes to <see cref="Acting"/>, who decides on the holder's behalf.
/// </summary>
public sealed record Delegation(Contact Acting, DateOnly From, DateOnly To)
{
    public bool CoversDay(DateOnly day) => From <= day && day <= To;
}

/// <summary>
/// A person who decides in a review stage: the assignee, or the acting officer standing in for them (<see cref="OnBehalfOf"/>).
/// History names both, so the record shows who clicked and for whom.
/// </summary>
public sealed record Reviewer(Contact Person, Contact? OnBehalfOf = null)
{
    /// <summary>Whose decision this is: the assignee, even when an acting officer makes it.</summary>
    [JsonIgnore]
    public string DecidesFor => (OnBehalfOf ?? Person).Email;

    [JsonIgnore]
    public string Actor => OnBehalfOf is null ? $"{Person.Name} <{Person.Email}>" : $"{Person.Name} <{Person.Email}> (thay mặt {OnBehalfOf.Name} <{OnBehalfOf.Email}>)";

    /// <summary>The name a unit reads in mail: the acting officer, and for whom.</summary>
    [JsonIgnore]
    public string DisplayName => OnBehalfOf is null ? Person.Name : $"{Person.Name} (thay mặt {OnBehalfOf.Name})";

    /// <summary>Whether <paramref name="email"/> is one of the two: the person who decides, or the one they stand in for.</summary>
    public bool Names(string email) =>
        string.Equals(Person.Email, email, StringComparison.OrdinalIgnoreCase) || string.Equals(OnBehalfOf?.Email, email, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// A named block of units (khối) a post covers on a flat tree, such as «khối xã, phường» or «khối Mặt trận và các đoàn
/// thể»: the units listed, wherever they sit, instead of a subtree.
/// </summary>
public sealed record UnitBlock(string Name, IReadOnlyList<string> Units);

/// <summary>
/// A post (chức vụ) such as «chuyên viên phụ trách khối huyện» or «phó trưởng ban phụ trách»: held by one person, sitting
/// on <see cref="Unit"/>, with a role on the subtree of units below and including it, or, with a <see cref="Block"/>, on
/// the units of that block alone. A period's stage names posts, so reports reach whoever holds the post when they
/// arrive, and a holder away for a while delegates without touching the period.
/// </summary>
public sealed record Post(string Code, string Name, string Unit, Contact Holder, IReadOnlyList<Delegation>? Delegations = null, UnitBlock? Block = null)
{
    /// <summary>The delegation covering <paramref name="day"/>, whose acting officer decides for the holder that day; null when the holder decides.</summary>
    public Delegation? DelegationOn(DateOnly day) => (Delegations ?? []).FirstOrDefault(d => d.CoversDay(day));
}

/// <summary>Rules of posts: codes, names, a known unit, valid people, and delegations that make sense and do not overlap.</summary>
public static class PostRules
{
    public static Post Normalize(Post post) => post with
    {
        Code = CatalogText.NormalizeCode(post.Code),
        Name = CatalogText.Clean(post.Name),
        Unit = CatalogText.NormalizeCode(post.Unit),
        Holder = UnitRules.Normalize(post.Holder)!,
        Delegations = (post.Delegations ?? []).Select(d => d with { Acting = UnitRules.Normalize(d.Acting)! }).OrderBy(d => d.From).ToList(),
        Block = post.Block is { } block ? new UnitBlock(CatalogText.Clean(block.Name), (block.Units ?? []).Select(CatalogText.NormalizeCode).ToList()) : null,
    };

    /// <param name="post">The post, already normalized.</param>
    /// <param name="units">Every unit of the catalogue, by code.</param>
    public static ValidationErrors Validate(Post post, IReadOnlyDictionary<string, OrgUnit> units)
    {
        var errors = new ValidationErrors();
        if (!CatalogText.IsCode(post.Code)) errors.Add("/code", "invalid-code", $"Mã chức vụ '{post.Code}' không hợp lệ: {CatalogText.CodeRule}.");
        if (post.Name.Length is 0 or > 200) errors.Add("/name", "invalid-name", "Tên chức vụ không được để trống và tối đa 200 ký tự.");
        if (!units.ContainsKey(post.Unit)) errors.Add("/unit", "unknown-unit", $"Không có đơn vị '{post.Unit}'.");
        UnitRules.CheckContact(errors, "/holder", post.Holder, null);
        if (post.Block is { } block) CheckBlock(errors, block, units);
        var delegations = post.Delegations ?? [];
        for (var i = 0; i < delegations.Count; i++)
        {
            var d = delegations[i];
            UnitRules.CheckContact(errors, $"/delegations/{i}/acting", d.Acting, null);
            if (d.Acting.Email == post.Holder.Email)
                errors.Add($"/delegations/{i}/acting/email", "acting-is-holder", "Người được ủy quyền phải khác người giữ chức vụ.");
            if (d.To < d.From)
                errors.Add($"/delegations/{i}/to", "range-inverted", $"Ngày kết thúc ủy quyền ({d.To:dd/MM/yyyy}) trước ngày bắt đầu ({d.From:dd/MM/yyyy}).");
            else if (i > 0 && delegations[i - 1].To >= d.From)
                errors.Add($"/delegations/{i}/from", "delegation-overlap",
                    $"Ủy quyền từ {d.From:dd/MM/yyyy} trùng với ủy quyền đến {delegations[i - 1].To:dd/MM/yyyy}; mỗi ngày chỉ một người thay mặt.");
        }
        return errors;
    }

    private static void CheckBlock(ValidationErrors errors, UnitBlock block, IReadOnlyDictionary<string, OrgUnit> units)
    {
        if (block.Name.Length is 0 or > 200) errors.Add("/block/name", "invalid-name", "Tên khối không được để trống và tối đa 200 ký tự.");
        if (block.Units.Count == 0) errors.Add("/block/units", "empty-block", "Khối phải có ít nhất một đơn vị.");
        var seen = new HashSet<string>();
        for (var i = 0; i < block.Units.Count; i++)
        {
            if (!units.ContainsKey(block.Units[i])) errors.Add($"/block/units/{i}", "unknown-unit", $"Không có đơn vị '{block.Units[i]}'.");
            else if (!seen.Add(block.Units[i])) errors.Add($"/block/units/{i}", "duplicate-unit", $"Đơn vị '{block.Units[i]}' có hai lần trong khối.");
        }
    }

    /// <summary>
    /// Of the posts named, those that hold <paramref name="unitCode"/> most closely: the posts whose block lists it and
    /// the posts on the unit itself, else the posts on its parent, and so on up to the root. A post for one district
    /// thus takes that district's reports from a post for the whole province, and a block's officer takes the block's
    /// from a post on the province; posts equally close all apply.
    /// </summary>
    public static IReadOnlyList<Post> Nearest(IEnumerable<Post> posts, string unitCode, IReadOnlyDictionary<string, OrgUnit> units)
    {
        var named = posts.ToList();
        var onSubtree = named.Where(p => p.Block is null).ToLookup(p => p.Unit);
        var inBlock = named.Where(p => p.Block?.Units.Contains(unitCode) == true);
        var seen = new HashSet<string>();
        for (string? code = unitCode; code is not null && seen.Add(code); code = units.GetValueOrDefault(code)?.Parent)
        {
            var nearest = (code == unitCode ? onSubtree[code].Concat(inBlock) : onSubtree[code]).OrderBy(p => p.Code, StringComparer.Ordinal).ToList();
            if (nearest.Count > 0) return nearest;
        }
        return [];
    }
}
