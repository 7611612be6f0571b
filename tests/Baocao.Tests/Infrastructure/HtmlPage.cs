using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace Baocao.Tests.Infrastructure;

/// <summary>
/// A page as a browser reads it, for assertions on what it shows rather than on how its markup is spelled: an
/// element by selector and its text as shown (entities decoded, white space folded), the grid's rows, the links.
/// </summary>
public sealed class HtmlPage(IHtmlDocument document)
{
    private static readonly HtmlParser Parser = new();

    public static HtmlPage Parse(string html) => new(Parser.ParseDocument(html));

    public IHtmlDocument Document { get; } = document;

    /// <summary>All the page shows, as one line of text.</summary>
    public string Text => Shown(Document.Body!);

    /// <summary>The one element the selector finds; a page with none or several fails.</summary>
    public IElement Single(string selector) => Assert.Single(Document.QuerySelectorAll(selector));

    public string TextOf(string selector) => Shown(Single(selector));

    public IReadOnlyList<IElement> All(string selector) => Document.QuerySelectorAll(selector).ToList();

    /// <summary>Where the page's links lead.</summary>
    public IReadOnlyList<string> Links => All("a[href]").Select(a => a.GetAttribute("href")!).ToList();

    /// <summary>The grid's row of a unit (<c>tr[data-unit]</c>).</summary>
    public IElement RowOf(string unit) => Single($"tr[data-unit=\"{unit}\"]");

    /// <summary>The units the grid lists, in its order.</summary>
    public IReadOnlyList<string> Units => All("tr[data-unit]").Select(r => r.GetAttribute("data-unit")!).ToList();

    /// <summary>A row's cell in the column its table heads <paramref name="heading"/>, so a test names the column as the page does.</summary>
    public static IElement Cell(IElement row, string heading)
    {
        var headings = row.Closest("table")!.QuerySelectorAll("thead th").Select(Shown).ToList();
        var column = headings.IndexOf(heading);
        Assert.True(column >= 0, $"no column «{heading}» among: {string.Join(" | ", headings)}");
        return row.Children[column];
    }

    /// <summary>An element's text as shown: entities decoded, white space folded to single spaces.</summary>
    public static string Shown(INode node) => string.Join(' ', node.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>A cell's lines: the text before each <c>&lt;br&gt;</c> and after the last.</summary>
    public static IReadOnlyList<string> Lines(IElement cell)
    {
        var lines = new List<string> { "" };
        foreach (var node in cell.ChildNodes)
        {
            if (node is IElement { LocalName: "br" }) lines.Add("");
            else lines[^1] += node.TextContent;
        }
        return lines.Select(l => string.Join(' ', l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))).ToList();
    }
}
