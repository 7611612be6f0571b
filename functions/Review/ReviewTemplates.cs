using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Fluid;

namespace Baocao.Review;

/// <summary>
/// The Liquid templates of the app's mail and pages, embedded in the app (<c>{Feature}/Templates/*.liquid</c>), parsed
/// once. A bare name is a review template (<c>request</c>); another feature's is qualified by its folder
/// (<c>Reminders/digest</c>). HTML is rendered through an HTML encoder, so every value a unit or reviewer typed is
/// escaped; plain text and subjects are rendered as they are. Models are the app's records named <c>…Model</c>.
/// </summary>
public static class ReviewTemplates
{
    private static readonly FluidParser Parser = new();
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);
    private static readonly ConcurrentDictionary<string, IFluidTemplate> Parsed = new();
    private static readonly TemplateOptions Options = CreateOptions();

    public static string RenderHtml(string name, object model) => Render(name + ".html", model, Html);

    public static string RenderText(string name, object model) => Render(name + ".txt", model, NullEncoder.Default);

    /// <summary>A mail's subject: one line, whatever the template's line breaks.</summary>
    public static string RenderSubject(string name, object model) =>
        string.Join(' ', Render(name + ".subject", model, NullEncoder.Default).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string Render(string name, object model, TextEncoder encoder) =>
        Parsed.GetOrAdd(name, Load).Render(new TemplateContext(model, Options), encoder);

    private static IFluidTemplate Load(string name)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        var resource = slash < 0 ? $"Baocao.Review.Templates.{name}.liquid" : $"Baocao.{name[..slash]}.Templates.{name[(slash + 1)..]}.liquid";
        using var stream = typeof(ReviewTemplates).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Template {resource} is not embedded.");
        using var reader = new StreamReader(stream);
        var source = reader.ReadToEnd();
        return Parser.TryParse(source, out var template, out var error) ? template : throw new InvalidOperationException($"Template {name}: {error}");
    }

    private static TemplateOptions CreateOptions()
    {
        var options = new TemplateOptions();
        foreach (var type in typeof(ReviewTemplates).Assembly.GetTypes().Where(t => t.IsPublic && t.Name.EndsWith("Model", StringComparison.Ordinal)))
        {
            options.MemberAccessStrategy.Register(type);
        }
        return options;
    }
}
