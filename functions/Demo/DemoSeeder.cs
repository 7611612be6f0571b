using System.Text.Json;
using System.Text.Json.Nodes;
using Baocao.Access;
using Baocao.Catalog;
using Baocao.Hosting;
using Baocao.Storage;
using Microsoft.Extensions.Options;

namespace Baocao.Demo;

/// <summary>The demo province as it ships in demo-catalog.json; the period's deadline is set when seeding.</summary>
public sealed record DemoCatalog(List<OrgLevel> Levels, List<OrgUnit> Units, TemplateDraft Template, JsonObject Period);

/// <summary>
/// Seeds the demo province through the same catalogue service as the admin API, so demo data obeys every rule.
/// Each step checks what is already there, so re-running the app changes nothing.
/// </summary>
public sealed partial class DemoSeeder(CatalogService catalog, UnitKeys unitKeys, PeopleTime time, IOptions<BaocaoOptions> options, ILogger<DemoSeeder> logger) : IStartupTask
{
    /// <summary>The demo period closes a few days from the day it is seeded, so reminders and deadlines have something to do.</summary>
    public const int DeadlineInDays = 5;

    /// <summary>The unit that holds the demo key.</summary>
    public const string DemoUnit = "HU-DONGSON";

    public static DemoCatalog Load()
    {
        using var stream = typeof(DemoSeeder).Assembly.GetManifestResourceStream("Baocao.Demo.demo-catalog.json")
            ?? throw new InvalidOperationException("The demo catalogue is missing from the assembly.");
        return JsonSerializer.Deserialize<DemoCatalog>(stream, JsonBody.Strict)!;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.SeedDemoData) return;
        var demo = Load();
        if ((await catalog.GetLevelsAsync(cancellationToken)).Count == 0)
        {
            Require(await catalog.ReplaceLevelsAsync(demo.Levels, cancellationToken));
        }
        if ((await catalog.GetUnitsAsync(cancellationToken)).Count == 0)
        {
            Require(await catalog.SaveUnitsAsync(demo.Units, createOnly: false, i => $"/units/{i}", null, workflow: null, cancellationToken));
        }
        if (options.Value.DemoUnitKey.Length > 0)
        {
            await unitKeys.EnsureAsync(DemoUnit, options.Value.DemoUnitKey, cancellationToken);
        }
        if (await catalog.GetTemplateAsync(demo.Template.Code, null, cancellationToken) is null)
        {
            Require(await catalog.CreateTemplateVersionAsync(demo.Template, cancellationToken));
        }
        var draft = PeriodDraftFor(demo, time);
        var periodId = PeriodId(draft);
        if (await catalog.GetPeriodAsync(periodId, cancellationToken) is null)
        {
            Require(await catalog.CreatePeriodAsync(draft, cancellationToken));
            Require(await catalog.MovePeriodAsync(periodId, PeriodStatus.Open, workflow: null, cancellationToken));
            LogSeeded(logger, demo.Units.Count, periodId);
        }
    }

    /// <summary>The demo period with its deadline at 17:00 local, <see cref="DeadlineInDays"/> days from today.</summary>
    public static PeriodDraft PeriodDraftFor(DemoCatalog demo, PeopleTime time)
    {
        var period = (JsonObject)demo.Period.DeepClone();
        period["deadline"] = $"{time.Today.AddDays(DeadlineInDays):yyyy-MM-dd}T17:00";
        return period.Deserialize<PeriodDraft>(JsonBody.Strict)!;
    }

    /// <summary>The id the demo period is seeded under.</summary>
    public static string PeriodId(PeriodDraft draft) => PeriodCalendar.DefaultId(draft.Type, draft.Year, draft.Number)!;

    private static void Require<T>(Outcome<T> outcome)
    {
        if (outcome.Problem is { } problem)
        {
            throw new InvalidOperationException($"The demo catalogue breaks a catalogue rule: {problem.ProblemDetails.Detail}");
        }
    }

    [LoggerMessage(LogLevel.Information, "Seeded the demo province: {UnitCount} units, period {PeriodId} open")]
    private static partial void LogSeeded(ILogger logger, int unitCount, string periodId);
}
