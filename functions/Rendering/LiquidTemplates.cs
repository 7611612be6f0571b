using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Fluid;
using Fluid.Values;

namespace Baocao.Rendering;

/// <summary>
/// Every page and mail of the app, from Liquid templates embedded beside their feature (<c>{Feature}/Templates/*.liquid</c>,
/// named <c>Feature/name</c>, e.g. <c>Reporting/grid</c> or <c>Submissions/Form/form</c>), each parsed once. HTML is
/// rendered through an HTML encoder, so every value a unit or reviewer typed is escaped; plain text and subjects are
/// rendered as they are. Models are the app's public records named <c>…Model</c>, registered once.
/// </summary>
public static class LiquidTemplates
{
    private static readonly FluidParser Parser = new();
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);
    private static readonly ConcurrentDictionary<string, IFluidTemplate> Parsed = new();
    private static readonly TemplateOptions Options = CreateOptions();

    public static string RenderHtml(string name, object? model) => Render(name + ".html", model, Html);

    public static string RenderText(string name, object model) => Render(name + ".txt", model, NullEncoder.Default);

    /// <summary>A mail's subject: one line, whatever the template's line breaks.</summary>
    public static string RenderSubject(string name, object model) =>
        string.Join(' ', Render(name + ".subject", model, NullEncoder.Default).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>
    /// A template's HTML as a value another template places as it is: its values were escaped when it was rendered, and
    /// escaping them again would show the markup as text.
    /// </summary>
    public static FluidValue RenderPart(string name, object? model) => new StringValue(RenderHtml(name, model), encode: false);

    private static string Render(string name, object? model, TextEncoder encoder) =>
        Parsed.GetOrAdd(name, Load).Render(model is null ? new TemplateContext(Options) : new TemplateContext(model, Options), encoder);

    private static IFluidTemplate Load(string name)
    {
        var slash = name.LastIndexOf('/');
        var resource = $"Baocao.{name[..slash].Replace('/', '.')}.Templates.{name[(slash + 1)..]}.liquid";
        using var stream = typeof(LiquidTemplates).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Template {resource} is not embedded.");
        using var reader = new StreamReader(stream);
        var source = reader.ReadToEnd();
        return Parser.TryParse(source, out var template, out var error) ? template : throw new InvalidOperationException($"Template {name}: {error}");
    }

    private static TemplateOptions CreateOptions()
    {
        var options = new TemplateOptions();
        foreach (var type in typeof(LiquidTemplates).Assembly.GetTypes().Where(t => t.IsPublic && t.Name.EndsWith("Model", StringComparison.Ordinal)))
        {
            options.MemberAccessStrategy.Register(type);
        }
        return options;
    }
}
