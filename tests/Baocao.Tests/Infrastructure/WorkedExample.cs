using System.Text.RegularExpressions;

namespace Baocao.Tests.Infrastructure;

/// <summary>
/// The worked thematic example of docs/catalogue.md, as a reader copies it: the template's JSON body, then the period's,
/// and the template scripts/walk.sh posts, so tests hold the page and the walk to what the app accepts.
/// </summary>
public static partial class WorkedExample
{
    [GeneratedRegex(@"```json\n(?<body>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();

    [GeneratedRegex(@"POST /api/catalog/templates[^\n]*<<'JSON'\n(?<body>.*?)\nJSON\n", RegexOptions.Singleline)]
    private static partial Regex WalkTemplateBody();

    public static string Template => Bodies()[0];

    public static string Period => Bodies()[1];

    public static string WalkTemplate
    {
        get
        {
            var found = WalkTemplateBody().Match(File.ReadAllText(Path.Combine(Repository.Root, "scripts", "walk.sh")));
            Assert.True(found.Success, "scripts/walk.sh posts no template body");
            return found.Groups["body"].Value;
        }
    }

    private static string[] Bodies()
    {
        var page = File.ReadAllText(Path.Combine(Repository.Root, "docs", "catalogue.md"));
        var start = page.IndexOf("### Worked example", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/catalogue.md has no worked example");
        var end = page.IndexOf("\n## ", start, StringComparison.Ordinal);
        var section = page[start..(end < 0 ? page.Length : end)];
        var bodies = JsonBlock().Matches(section).Select(m => m.Groups["body"].Value).ToArray();
        Assert.Equal(2, bodies.Length);
        return bodies;
    }
}
