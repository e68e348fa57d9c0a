using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace CallbackFunctions.Http;

/// <summary>
/// The doc comments of the app's types and members, from the XML files the build writes beside the assemblies
/// (<c>GenerateDocumentationFile</c>), as CommonMark for the OpenAPI document: <c>&lt;c&gt;</c> becomes code, a
/// <c>&lt;see cref&gt;</c> its member's name. A positional record's <c>&lt;param&gt;</c> is its property's summary (the
/// compiler writes it so), and <c>&lt;inheritdoc cref&gt;</c> is the summary of what it names. Without the file (a
/// trimmed deployment) the document simply has no descriptions.
/// </summary>
public sealed partial class XmlDocs
{
    private readonly Dictionary<string, XElement> _summaries = new(StringComparer.Ordinal);

    public static XmlDocs For(params Assembly[] assemblies)
    {
        var docs = new XmlDocs();
        foreach (var assembly in assemblies)
        {
            var name = assembly.GetName().Name + ".xml";
            var file = new[] { Path.GetDirectoryName(assembly.Location), AppContext.BaseDirectory }
                .Where(d => !string.IsNullOrEmpty(d)).Select(d => Path.Combine(d!, name)).FirstOrDefault(File.Exists);
            if (file is null) continue;
            foreach (var member in XDocument.Load(file).Descendants("member"))
                if (member.Attribute("name")?.Value is { } id && member.Element("summary") is { } summary)
                    docs._summaries[id] = summary;
        }
        return docs;
    }

    public string? Of(Type type) => Summary("T:" + Name(type));

    /// <summary>A property's or field's summary (an enum value is a field).</summary>
    public string? Of(MemberInfo member) => member.DeclaringType is not { } type ? null
        : Summary((member is FieldInfo ? "F:" : "P:") + Name(type) + "." + member.Name);

    /// <param name="depth">How many <c>inheritdoc</c>s led here: a chain of them ends, a cycle would not.</param>
    private string? Summary(string id, int depth = 0)
    {
        if (depth > 3 || !_summaries.TryGetValue(id, out var summary)) return null;
        var text = Text(summary, depth);
        return text.Length > 0 ? text : null;
    }

    private static string Name(Type type) => (type.FullName ?? type.Name).Replace('+', '.');

    private string Text(XElement summary, int depth)
    {
        var text = new StringBuilder();
        foreach (var node in summary.Nodes())
            text.Append(node switch
            {
                XText t => t.Value,
                XElement { Name.LocalName: "c" or "code" } e => "`" + e.Value + "`",
                XElement { Name.LocalName: "inheritdoc" } e when e.Attribute("cref")?.Value is { } cref => Summary(cref, depth + 1) ?? "",
                XElement { Name.LocalName: "see" } e when e.Attribute("cref")?.Value is { } cref => "`" + cref[(cref.LastIndexOf('.') + 1)..] + "`",
                XElement { Name.LocalName: "see" or "paramref" or "typeparamref" } e => e.Attribute("langword")?.Value ?? e.Attribute("name")?.Value ?? "",
                XElement { Name.LocalName: "para" } e => "\n\n" + Text(e, depth) + "\n\n",
                XElement e => Text(e, depth),
                _ => "",
            });
        // The comment's own line breaks are layout: paragraphs stay, lines join.
        return string.Join("\n\n", ParagraphBreak().Split(text.ToString()).Select(p => Whitespace().Replace(p, " ").Trim()).Where(p => p.Length > 0));
    }

    [GeneratedRegex(@"\n\s*\n")]
    private static partial Regex ParagraphBreak();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
