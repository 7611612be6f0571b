using Baocao.Catalog;
using Baocao.Rendering;
using Baocao.Workflow;
using Fluid.Values;
using Microsoft.AspNetCore.Antiforgery;
using static Baocao.Reporting.ReportingText;

namespace Baocao.Reporting;

public sealed record SignInModel(string Action, string FormField, string? FormToken, string ReturnUrl, bool Failed);

public sealed record DashboardMessageModel(string Title, string Text);

public sealed record PeriodRowModel(string Href, string Name, string Status, string Deadline);

public sealed record PeriodsModel(IReadOnlyList<PeriodRowModel> Periods);

/// <summary>The province grid as its template lays it out: every date, count and label already written in Vietnamese.</summary>
public sealed record GridModel(
    FluidValue Nav, FluidValue Exports, string Name, string Href, string FiguresHref, string DataFrom, string DataTo, string Deadline,
    string DeadlineText, string Status, GridRatesModel Rates, IReadOnlyList<OptionModel> Levels, IReadOnlyList<OptionModel> States,
    IReadOnlyList<ChipModel> Chips, IReadOnlyList<GridLevelModel> Groups);

public sealed record GridRatesModel(int Expected, int Submitted, int Completeness, int OnTime, int Timeliness);

public sealed record OptionModel(string Value, string Text, bool Selected);

public sealed record ChipModel(string Code, string State, int Count);

public sealed record GridLevelModel(string Name, int Submitted, int Expected, IReadOnlyList<GridRowModel> Rows);

/// <summary>A unit's line: <c>Late</c> is how late or overdue it is, <c>Latest</c> only when a later version came.</summary>
public sealed record GridRowModel(
    string UnitCode, string UnitName, string Href, string StateCode, string State, bool OnTime, string? Late,
    string? Submitted, string? Latest, int Versions, string? Stage, string? Holders);

public sealed record PeriodNavModel(IReadOnlyList<PeriodLinkModel> Others);

public sealed record PeriodLinkModel(string Href, string Name);

public sealed record ExportsModel(string Xlsx, string Csv, string Docx);

/// <summary>The dashboard's pages, in Vietnamese.</summary>
public static class DashboardPages
{
    public static IResult SignIn(AntiforgeryTokenSet tokens, string returnUrl, bool failed) =>
        Page.Html("Đăng nhập", "Reporting/sign-in", new SignInModel(DashboardAccess.SignInPath, tokens.FormFieldName, tokens.RequestToken, returnUrl, failed),
            failed ? StatusCodes.Status401Unauthorized : StatusCodes.Status200OK);

    public static IResult Message(string title, string text, int status) =>
        Page.Html(title, "Reporting/message", new DashboardMessageModel(title, text), status);

    public static IResult Periods(IReadOnlyList<Period> periods) =>
        Page.Html("Kỳ báo cáo", "Reporting/periods", new PeriodsModel(periods.Select(p =>
            new PeriodRowModel(DashboardLinks.Period(p.Id), p.Name, CatalogService.Vietnamese(p.Status), Time(p.Deadline))).ToList()));

    public static IResult Grid(PeriodGrid grid, IReadOnlyList<Period> periods)
    {
        var period = grid.Period;
        var states = Enum.GetValues<ReportState>();
        return Page.Html(period.Name, "Reporting/grid", new GridModel(
            Nav(period.Id, periods), Exports(period.Id), period.Name, DashboardLinks.Period(period.Id), DashboardLinks.Figures(period.Id),
            period.DataFrom.ToString("dd/MM/yyyy"), period.DataTo.ToString("dd/MM/yyyy"), Time(period.Deadline), grid.DeadlineText,
            CatalogService.Vietnamese(period.Status),
            new GridRatesModel(grid.Expected, grid.Submitted, grid.CompletenessPercent, grid.OnTime, grid.TimelinessPercent),
            grid.AllLevels.Select(l => new OptionModel(l.Code, l.Name, grid.Filter.Level == l.Code)).ToList(),
            states.Select(s => new OptionModel(s.Code(), $"{State(s)} ({grid.StateCounts[s]})", grid.Filter.State == s)).ToList(),
            states.Where(s => grid.StateCounts[s] > 0).Select(s => new ChipModel(s.Code(), State(s), grid.StateCounts[s])).ToList(),
            grid.Levels.Select(l => new GridLevelModel(l.Name, l.Submitted, l.Expected, l.Rows.Select(r => Row(period.Id, r)).ToList())).ToList()));
    }

    private static GridRowModel Row(string periodId, GridRow r)
    {
        var late = r.DaysLate == 0 ? null : r.Submitted ? $"Muộn {r.DaysLate} ngày" : $"Quá hạn {r.DaysLate} ngày";
        var latest = r.LatestSubmittedAt is { } at && at != r.FirstSubmittedAt ? Time(at) : null;
        return new GridRowModel(r.UnitCode, r.UnitName, DashboardLinks.Unit(periodId, r.UnitCode), r.State.Code(), State(r.State), r.OnTime, late,
            r.FirstSubmittedAt is { } first ? Time(first) : null, latest, r.Versions, r.Stage, r.Holders.Count > 0 ? string.Join(", ", r.Holders) : null);
    }

    /// <summary>The other periods, newest first, to move between: drawn by its own template, carried into the page's.</summary>
    public static FluidValue Nav(string current, IReadOnlyList<Period> periods) =>
        LiquidTemplates.RenderPart("Reporting/period-nav", new PeriodNavModel(
            periods.Where(p => p.Id != current).Select(p => new PeriodLinkModel(DashboardLinks.Period(p.Id), p.Name)).ToList()));

    /// <summary>A period's files to take away, on the grid and the figures alike.</summary>
    public static FluidValue Exports(string periodId) =>
        LiquidTemplates.RenderPart("Reporting/exports", new ExportsModel(
            DashboardLinks.Export(periodId, "xlsx"), DashboardLinks.Export(periodId, "csv"), DashboardLinks.Export(periodId, "docx")));
}

/// <summary>Where the dashboard's pages and files are.</summary>
public static class DashboardLinks
{
    public static string Period(string periodId) => $"/api/dashboard/{Uri.EscapeDataString(periodId)}";

    public static string Figures(string periodId, FigureBasis basis = FigureBasis.Approved) =>
        Period(periodId) + "/figures" + (basis == FigureBasis.Submitted ? "?basis=Submitted" : "");

    public static string Unit(string periodId, string unitCode) => Period(periodId) + "/units/" + Uri.EscapeDataString(unitCode);

    public static string Attachment(string periodId, string unitCode, int version, int number) =>
        $"{Unit(periodId, unitCode)}/versions/{version}/attachments/{number}";

    public static string Export(string periodId, string extension) => $"/api/periods/{Uri.EscapeDataString(periodId)}/export.{extension}";
}
