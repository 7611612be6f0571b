using System.Collections.Concurrent;
using Baocao.Hosting;
using Microsoft.DurableTask.Client;

namespace Baocao.Catalog;

/// <summary>
/// The catalogue's operations: everything is validated against the whole resulting catalogue before a single write,
/// so a rejected request leaves storage as it was. The admin API and the demo seeder both come through here.
/// </summary>
public sealed class CatalogService(CatalogStore store, PeopleTime time, IEnumerable<ICatalogObserver> observers)
{
    public static readonly TimeSpan UnitsFreshFor = TimeSpan.FromSeconds(30);

    private sealed record UnitsCopy(IReadOnlyList<OrgUnit> Units, DateTimeOffset Until);

    private sealed record PeriodCopy(Period Period, DateTimeOffset Until);

    public static readonly TimeSpan PeriodsFreshFor = TimeSpan.FromSeconds(10);

    private UnitsCopy? _units;
    private readonly ConcurrentDictionary<string, PeriodCopy> _periods = new();
    private readonly ConcurrentDictionary<string, ReportTemplate> _templateVersions = new();

    public async Task<IReadOnlyList<OrgLevel>> GetLevelsAsync(CancellationToken cancellationToken) =>
        (await store.ListAsync<OrgLevel>(CatalogStore.Levels, cancellationToken)).OrderBy(l => l.Order).ThenBy(l => l.Code).ToList();

    /// <summary>
    /// Replaces the list of levels. A level still used by a unit cannot be removed, and one an active unit uses cannot
    /// be retired.
    /// </summary>
    public async Task<Outcome<IReadOnlyList<OrgLevel>>> ReplaceLevelsAsync(IReadOnlyList<OrgLevel> levels, CancellationToken cancellationToken)
    {
        var cleaned = levels.Select(LevelRules.Normalize).ToList();
        var errors = new ValidationErrors();
        var seen = new HashSet<string>();
        for (var i = 0; i < cleaned.Count; i++)
        {
            LevelRules.Check(errors, $"/{i}", cleaned[i]);
            if (CatalogText.IsCode(cleaned[i].Code) && !seen.Add(cleaned[i].Code)) errors.Add($"/{i}/code", "duplicate-code", $"Mã cấp '{cleaned[i].Code}' bị trùng.");
        }
        if (errors.Any) return errors.ToProblem();

        var units = await GetUnitsAsync(cancellationToken);
        var orphaned = units.Where(u => !seen.Contains(u.Level)).Select(u => u.Level).Distinct().ToList();
        if (orphaned.Count > 0)
        {
            return Problems.Conflict("level-in-use", $"Không thể bỏ cấp {string.Join(", ", orphaned)}: vẫn còn đơn vị thuộc cấp này.");
        }
        if (cleaned.Where(l => l.Retired).Select(l => LevelRules.StillActive(l, units)).FirstOrDefault(p => p is not null) is { } inUse) return inUse;
        var current = await store.ListAsync<OrgLevel>(CatalogStore.Levels, cancellationToken);
        await store.UpsertAllAsync(CatalogStore.Levels, cleaned.Select(l => (l.Code, l)), cancellationToken);
        foreach (var removed in current.Where(l => !seen.Contains(l.Code)))
        {
            await store.DeleteAsync(CatalogStore.Levels, removed.Code, cancellationToken);
        }
        return cleaned;
    }

    /// <summary>Adds a level or renames, reorders or retires one, leaving the others as they are.</summary>
    public async Task<Outcome<(OrgLevel Level, bool Created)>> SaveLevelAsync(OrgLevel draft, CancellationToken cancellationToken)
    {
        var level = LevelRules.Normalize(draft);
        var errors = new ValidationErrors();
        LevelRules.Check(errors, "", level);
        if (errors.Any) return errors.ToProblem();
        if (level.Retired && LevelRules.StillActive(level, await GetUnitsAsync(cancellationToken)) is { } inUse) return inUse;
        var created = await PutAsync(CatalogStore.Levels, level.Code, level, "Cấp", cancellationToken);
        if (created.Problem is { } conflict) return conflict;
        return (level, created.Value);
    }

    /// <summary>
    /// Adds a record, or replaces it under the ETag it was read with; true when it was added. A change by someone else
    /// in between is a 409 naming the <paramref name="kind"/> of record, so an admin's edit never overwrites another's.
    /// </summary>
    private async Task<Outcome<bool>> PutAsync<T>(string table, string code, T value, string kind, CancellationToken cancellationToken)
    {
        var existing = await store.GetAsync<T>(table, code, cancellationToken);
        var saved = existing is null
            ? await store.TryAddAsync(table, code, value, cancellationToken)
            : await store.TryReplaceAsync(table, code, value, existing.ETag, cancellationToken);
        if (!saved) return Problems.Conflict("concurrent-edit", $"{kind} '{code}' vừa được người khác thay đổi; hãy thử lại.");
        return existing is null;
    }

    /// <summary>Removes a level no unit carries (a demo level a province never used, say); one still carried is retired instead.</summary>
    public async Task<Outcome<OrgLevel>> DeleteLevelAsync(string code, CancellationToken cancellationToken)
    {
        var level = (await store.GetAsync<OrgLevel>(CatalogStore.Levels, CatalogText.NormalizeCode(code), cancellationToken))?.Value;
        if (level is null) return Problems.NotFound($"Không có cấp '{code}'.");
        var carriers = (await GetUnitsAsync(cancellationToken)).Where(u => u.Level == level.Code).Select(u => u.Code).ToList();
        if (carriers.Count > 0)
        {
            return Problems.Conflict("level-in-use",
                $"Không thể xoá cấp '{level.Code}': đơn vị {LevelRules.Few(carriers)} vẫn thuộc cấp này; hãy chuyển các đơn vị sang cấp khác hoặc cho cấp thôi sử dụng (retired).");
        }
        await store.DeleteAsync(CatalogStore.Levels, level.Code, cancellationToken);
        return level;
    }

    /// <summary>
    /// Every unit. Each unit request checks scope against them and they rarely change, so a copy serves for
    /// <see cref="UnitsFreshFor"/>; saves through this service replace it at once, another instance's within that time.
    /// </summary>
    public async Task<IReadOnlyList<OrgUnit>> GetUnitsAsync(CancellationToken cancellationToken)
    {
        if (_units is { } copy && copy.Until > time.UtcNow) return copy.Units;
        var units = await store.ListAsync<OrgUnit>(CatalogStore.Units, cancellationToken);
        _units = new UnitsCopy(units, time.UtcNow + UnitsFreshFor);
        return units;
    }

    public async Task<OrgUnit?> GetUnitAsync(string code, CancellationToken cancellationToken)
    {
        code = CatalogText.NormalizeCode(code);
        return (await GetUnitsAsync(cancellationToken)).FirstOrDefault(u => u.Code == code);
    }

    /// <summary>
    /// Adds or replaces units after checking the tree they would make. With <paramref name="createOnly"/>, a code
    /// that already exists is a conflict rather than an update.
    /// </summary>
    public async Task<Outcome<ImportResult>> SaveUnitsAsync(
        IReadOnlyList<OrgUnit> units, bool createOnly, Func<int, string> pointerOf, Func<int, int?>? lineOf, DurableTaskClient? workflow,
        CancellationToken cancellationToken)
    {
        var incoming = units.Select(UnitRules.Normalize).ToList();
        var existing = (await GetUnitsAsync(cancellationToken)).ToDictionary(u => u.Code);
        var levels = (await GetLevelsAsync(cancellationToken)).ToDictionary(l => l.Code);
        var errors = UnitRules.Validate(incoming, existing, levels, pointerOf, lineOf);
        if (errors.Any) return errors.ToProblem();
        if (createOnly && incoming.FirstOrDefault(u => existing.ContainsKey(u.Code)) is { } taken)
        {
            return Problems.Conflict("duplicate-code", $"Mã đơn vị '{taken.Code}' đã có.");
        }
        _units = null;
        await store.UpsertAllAsync(CatalogStore.Units, incoming.Select(u => (u.Code, u)), cancellationToken);
        _units = null;
        foreach (var observer in observers) await observer.UnitsSavedAsync(incoming, workflow, cancellationToken);
        var updated = incoming.Count(u => existing.ContainsKey(u.Code));
        return new ImportResult(incoming.Count - updated, updated);
    }

    /// <summary>Saves a template: version 1 if the code is new, otherwise the next version. Existing versions never change.</summary>
    public async Task<Outcome<ReportTemplate>> CreateTemplateVersionAsync(TemplateDraft draft, CancellationToken cancellationToken)
    {
        draft = TemplateRules.Normalize(draft);
        var errors = TemplateRules.Validate(draft);
        if (errors.Any) return errors.ToProblem();
        // Two admins saving at once both read version n; the conditional insert lets one have n+1 and the other retry.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var latest = await GetTemplateAsync(draft.Code, null, cancellationToken);
            var template = ReportTemplate.From(draft, (latest?.Version ?? 0) + 1, time.UtcNow);
            if (await store.TryAddAsync(CatalogStore.Templates, TemplateKey(template.Code, template.Version), template, cancellationToken))
            {
                return template;
            }
        }
        return Problems.Conflict("concurrent-edit", $"Mẫu '{draft.Code}' đang được sửa đồng thời; hãy thử lại.");
    }

    /// <summary>One version of a template, or its latest version when <paramref name="version"/> is null.</summary>
    public async Task<ReportTemplate?> GetTemplateAsync(string code, int? version, CancellationToken cancellationToken)
    {
        code = CatalogText.NormalizeCode(code);
        if (version is { } v)
        {
            // A template version never changes once written, so it is read from storage once.
            if (_templateVersions.TryGetValue(TemplateKey(code, v), out var known)) return known;
            var stored = (await store.GetAsync<ReportTemplate>(CatalogStore.Templates, TemplateKey(code, v), cancellationToken))?.Value;
            if (stored is not null) _templateVersions[TemplateKey(code, v)] = stored;
            return stored;
        }
        var versions = await store.ListAsync<ReportTemplate>(CatalogStore.Templates, cancellationToken, code + "~");
        return versions.MaxBy(t => t.Version);
    }

    public async Task<IReadOnlyList<ReportTemplate>> ListLatestTemplatesAsync(CancellationToken cancellationToken) =>
        (await store.ListAsync<ReportTemplate>(CatalogStore.Templates, cancellationToken))
            .GroupBy(t => t.Code).Select(g => g.MaxBy(t => t.Version)!).OrderBy(t => t.Code).ToList();

    public async Task<Outcome<Period>> CreatePeriodAsync(PeriodDraft draft, CancellationToken cancellationToken)
    {
        var template = await GetTemplateAsync(draft.TemplateCode, draft.TemplateVersion, cancellationToken);
        var units = (await GetUnitsAsync(cancellationToken)).ToDictionary(u => u.Code);
        var posts = (await GetPostsAsync(cancellationToken)).ToDictionary(p => p.Code);
        var (period, errors) = PeriodRules.Build(draft, template, units, posts, time);
        if (errors.Any) return errors.ToProblem();
        if (!await store.TryAddAsync(CatalogStore.Periods, period!.Id, period, cancellationToken))
        {
            return Problems.Conflict("duplicate-period", $"Kỳ báo cáo '{period.Id}' đã có.");
        }
        return ForPeople(period);
    }

    /// <summary>
    /// One period. Every unit request reads it, so a copy serves for <see cref="PeriodsFreshFor"/>; moves through this
    /// service replace it at once. A close made on another instance is seen within that time, and the close itself
    /// marks unsubmitted reports missed, which the workflow refuses to take submissions for.
    /// </summary>
    public async Task<Period?> GetPeriodAsync(string id, CancellationToken cancellationToken)
    {
        id = CatalogText.NormalizeCode(id);
        if (_periods.TryGetValue(id, out var copy) && copy.Until > time.UtcNow) return copy.Period;
        var period = (await store.GetAsync<Period>(CatalogStore.Periods, id, cancellationToken)) is { } stored ? ForPeople(stored.Value) : null;
        if (period is not null) _periods[id] = new PeriodCopy(period, time.UtcNow + PeriodsFreshFor);
        return period;
    }

    public async Task<IReadOnlyList<Period>> ListPeriodsAsync(PeriodStatus? status, CancellationToken cancellationToken) =>
        (await store.ListAsync<Period>(CatalogStore.Periods, cancellationToken))
            .Where(p => status is null || p.Status == status)
            .OrderByDescending(p => p.Deadline)
            .Select(ForPeople)
            .ToList();

    /// <summary>Moves a period planned → open → closed; any other move is refused. Guarded by ETag against a racing admin.</summary>
    public async Task<Outcome<Period>> MovePeriodAsync(string id, PeriodStatus target, DurableTaskClient? workflow, CancellationToken cancellationToken)
    {
        var stored = await store.GetAsync<Period>(CatalogStore.Periods, CatalogText.NormalizeCode(id), cancellationToken);
        if (stored is null) return Problems.NotFound($"Không có kỳ báo cáo '{id}'.");
        var period = stored.Value;
        var allowed = (period.Status, target) is (PeriodStatus.Planned, PeriodStatus.Open) or (PeriodStatus.Open, PeriodStatus.Closed);
        if (!allowed)
        {
            return Problems.Conflict("invalid-period-transition", $"Kỳ '{period.Id}' đang ở trạng thái {Vietnamese(period.Status)}, không thể chuyển sang {Vietnamese(target)}.");
        }
        var now = time.UtcNow;
        var moved = target == PeriodStatus.Open ? period with { Status = target, OpenedAt = now } : period with { Status = target, ClosedAt = now };
        _periods.TryRemove(period.Id, out _);
        if (!await store.TryReplaceAsync(CatalogStore.Periods, period.Id, moved, stored.ETag, cancellationToken))
        {
            return Problems.Conflict("concurrent-edit", $"Kỳ '{period.Id}' vừa được người khác thay đổi; hãy tải lại.");
        }
        _periods.TryRemove(period.Id, out _);
        foreach (var observer in observers) await observer.PeriodMovedAsync(moved, workflow, cancellationToken);
        return ForPeople(moved);
    }

    /// <summary>Whether a unit must report for a period, judged against the given units of the catalogue.</summary>
    public static bool InScope(Period period, string unitCode, IReadOnlyCollection<OrgUnit> units) =>
        UnitsInScope(period, units).Any(u => u.Code == unitCode);

    /// <summary>The active units that must report for a period: the subtree below its root, or its list of units.</summary>
    public static IReadOnlyList<OrgUnit> UnitsInScope(Period period, IReadOnlyCollection<OrgUnit> units)
    {
        if (period.Scope.Root is { } root) return UnitRules.Descendants(root, units);
        var listed = period.Scope.Units!.ToHashSet();
        return units.Where(u => u.Active && listed.Contains(u.Code)).ToList();
    }

    public Task<IReadOnlyList<Post>> GetPostsAsync(CancellationToken cancellationToken) => store.ListAsync<Post>(CatalogStore.Posts, cancellationToken);

    public async Task<Post?> GetPostAsync(string code, CancellationToken cancellationToken) =>
        (await store.GetAsync<Post>(CatalogStore.Posts, CatalogText.NormalizeCode(code), cancellationToken))?.Value;

    /// <summary>
    /// Adds or replaces a post with its holder and delegations. Reports already mailed keep their links: a holder's
    /// link stays valid after a new holder or a delegation, until an admin reassigns the report.
    /// </summary>
    public async Task<Outcome<(Post Post, bool Created)>> SavePostAsync(Post draft, CancellationToken cancellationToken)
    {
        var post = PostRules.Normalize(draft);
        var units = (await GetUnitsAsync(cancellationToken)).ToDictionary(u => u.Code);
        var errors = PostRules.Validate(post, units);
        if (errors.Any) return errors.ToProblem();
        var created = await PutAsync(CatalogStore.Posts, post.Code, post, "Chức vụ", cancellationToken);
        if (created.Problem is { } conflict) return conflict;
        return (post, created.Value);
    }

    /// <summary>Removes a post no period still open or planned names; a closed period keeps its history by name.</summary>
    public async Task<Outcome<Post>> DeletePostAsync(string code, CancellationToken cancellationToken)
    {
        var post = await GetPostAsync(code, cancellationToken);
        if (post is null) return Problems.NotFound($"Không có chức vụ '{code}'.");
        var usedBy = (await ListPeriodsAsync(null, cancellationToken))
            .Where(p => p.Status != PeriodStatus.Closed && p.Stages.Any(s => s.PostCodes.Contains(post.Code))).Select(p => p.Id).ToList();
        if (usedBy.Count > 0)
        {
            return Problems.Conflict("post-in-use", $"Chức vụ '{post.Code}' đang được kỳ {string.Join(", ", usedBy)} dùng trong bước duyệt; hãy giao chức vụ cho người khác thay vì xoá.");
        }
        await store.DeleteAsync(CatalogStore.Posts, post.Code, cancellationToken);
        return post;
    }

    public static string Vietnamese(PeriodStatus status) => status switch
    {
        PeriodStatus.Planned => "dự kiến",
        PeriodStatus.Open => "đang mở",
        _ => "đã đóng",
    };

    private static string TemplateKey(string code, int version) => $"{code}~{version:D5}";

    /// <summary>Deadlines are stored in UTC and shown with the people's offset (+07:00); the instant is the same.</summary>
    private Period ForPeople(Period period) => period with { Deadline = time.ToLocal(period.Deadline) };
}

/// <summary>
/// A feature that acts on catalogue changes: the workflow opens a period's instances when it opens, closes them when it
/// closes, and gives a unit added to an open period's scope its instance. Told after the change is stored, with the
/// durable client of the function that made it (null for start-up work, which has none; the workflow catches up).
/// </summary>
public interface ICatalogObserver
{
    Task PeriodMovedAsync(Period period, DurableTaskClient? workflow, CancellationToken cancellationToken);

    Task UnitsSavedAsync(IReadOnlyList<OrgUnit> units, DurableTaskClient? workflow, CancellationToken cancellationToken);
}
