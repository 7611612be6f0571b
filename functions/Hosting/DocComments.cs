using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Baocao.Hosting;

/// <summary>
/// The XML documentation of the app's types and properties (the build's Baocao.xml beside the assembly), as the plain
/// sentences the API's document shows: a reference to a property reads as its JSON name, to a type or method as its
/// short name. It stands in for Microsoft.AspNetCore.OpenApi's own generator (switched off in Baocao.csproj), which
/// writes a reference as a C# signature such as <c>IReadOnlyList&lt;string&gt;? Indicator.SumOf</c>.
/// </summary>
public sealed partial class DocComments
{
    private readonly Dictionary<string, XElement> _members;
    private readonly Assembly _assembly;

    private DocComments(Assembly assembly, Dictionary<string, XElement> members) => (_assembly, _members) = (assembly, members);

    /// <summary>The documentation built with <paramref name="assembly"/>; none when the file is missing.</summary>
    public static DocComments Of(Assembly assembly)
    {
        var path = Path.ChangeExtension(assembly.Location, ".xml");
        var members = File.Exists(path)
            ? XDocument.Load(path).Descendants("member").Where(m => m.Attribute("name") is not null)
                .GroupBy(m => m.Attribute("name")!.Value, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal)
            : [];
        return new DocComments(assembly, members);
    }

    /// <summary>Describes a schema by its type's summary, and a property schema by the property's (or its record parameter's).</summary>
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.JsonPropertyInfo is { AttributeProvider: PropertyInfo property }
            ? Summary(property)
            : context.JsonPropertyInfo is null ? Summary(context.JsonTypeInfo.Type) : null;
        if (description is not null) schema.Description = description;
        return Task.CompletedTask;
    }

    public string? Summary(Type type) => Plain(Member("T:" + IdOf(type))?.Element("summary"));

    public string? Summary(PropertyInfo property) =>
        Plain(Member($"P:{IdOf(property.DeclaringType!)}.{property.Name}")?.Element("summary"))
        ?? Plain(Member("T:" + IdOf(property.DeclaringType!))?.Elements("param").FirstOrDefault(p => p.Attribute("name")?.Value == property.Name));

    private XElement? Member(string id) => _members.GetValueOrDefault(id);

    private static string IdOf(Type type) => (type.FullName ?? type.Name).Replace('+', '.');

    /// <summary>The text of a documentation element on one line, its references named as a reader of the API knows them.</summary>
    private string? Plain(XElement? element)
    {
        if (element is null) return null;
        var text = new StringBuilder();
        Append(text, element);
        var plain = Whitespace().Replace(text.ToString(), " ").Trim();
        return plain.Length == 0 ? null : plain;
    }

    private void Append(StringBuilder text, XElement element)
    {
        foreach (var node in element.Nodes())
        {
            switch (node)
            {
                case XText part:
                    text.Append(part.Value);
                    break;
                case XElement { Name.LocalName: "see" or "seealso" } see when see.Attribute("cref") is { } cref:
                    text.Append(NameOf(cref.Value));
                    break;
                case XElement { Name.LocalName: "see" or "seealso" } see when see.Attribute("langword") is { } word:
                    text.Append(word.Value);
                    break;
                case XElement { Name.LocalName: "paramref" or "typeparamref" } reference:
                    text.Append(reference.Attribute("name")?.Value);
                    break;
                case XElement { Name.LocalName: "c" } code:
                    text.Append('`').Append(code.Value).Append('`');
                    break;
                case XElement inner:
                    Append(text, inner);
                    break;
            }
        }
    }

    /// <summary>
    /// A documentation id (<c>P:Baocao.Catalog.Indicator.SumOf</c>) as the document names it: an instance property by its
    /// JSON name (<c>sumOf</c>), a type by its name, a method or a static member by its type and name.
    /// </summary>
    private string NameOf(string id)
    {
        var kind = id.Length > 2 && id[1] == ':' ? id[0] : 'T';
        var path = id[(id.IndexOf(':') + 1)..];
        var parameters = path.IndexOf('(');
        if (parameters >= 0) path = path[..parameters];
        path = Arity().Replace(path, "");
        var dot = path.LastIndexOf('.');
        var name = path[(dot + 1)..];
        if (kind == 'T' || dot < 0) return name;
        var typeName = path[..dot];
        var owner = typeName[(typeName.LastIndexOf('.') + 1)..];
        var property = kind == 'P' ? _assembly.GetType(typeName)?.GetProperty(name) : null;
        return property is { GetMethod.IsStatic: false }
            ? $"`{JsonNamingPolicy.CamelCase.ConvertName(name)}`"
            : $"{owner}.{name}";
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"``?\d+")]
    private static partial Regex Arity();
}
