using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CallbackFunctions.Infra.Tests;

/// <summary>
/// infra/main.bicep compiled once with the real bicep CLI (and infra/ linted once, alongside), shared by every
/// test class in the collection. Tests read the ARM JSON that would actually be deployed.
/// </summary>
public sealed class CompiledInfra : IAsyncLifetime
{
    private readonly string outputDirectory =
        Path.Combine(Path.GetTempPath(), $"callbackfunctions-infra-{Guid.NewGuid():N}");

    private JsonObject? main;

    internal BicepRun Build { get; private set; } = null!;

    internal BicepRun Lint { get; private set; } = null!;

    /// <summary>The compiled main template; fails the calling test with bicep's own output if the build failed.</summary>
    internal ArmTemplate Main => new(MainJson, "main", parent: null);

    /// <summary>The main template and every module's nested template, depth first.</summary>
    internal IReadOnlyList<ArmTemplate> Templates => Main.SelfAndDescendants().ToList();

    internal IEnumerable<ArmResource> Resources => Templates.SelectMany(t => t.Resources);

    internal static string RepoPath(string relative) => Path.Combine(BicepCli.RepoRoot, relative);

    internal ArmResource Single(string type)
    {
        var matches = Resources.Where(r => r.Type.Equals(type, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(matches.Count == 1, $"Expected exactly one {type} in the compiled template, found {matches.Count}.");
        return matches[0];
    }

    internal IReadOnlyList<ArmResource> All(string type) =>
        Resources.Where(r => r.Type.Equals(type, StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>The Microsoft.Resources/deployments resource of the module deployed under <paramref name="name"/>.</summary>
    internal ArmResource Module(string name) =>
        Main.Resources.Single(r => r.Type == "Microsoft.Resources/deployments" && r.Json["name"]?.GetValue<string>() == name);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(outputDirectory);
        var build = BicepCli.RunAsync("build", "infra/main.bicep", "--outdir", outputDirectory);
        var lint = BicepCli.RunAsync("lint", "--pattern", "infra/**/*.bicep");
        Build = await build;
        Lint = await lint;
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(outputDirectory))
        {
            Directory.Delete(outputDirectory, recursive: true);
        }

        return Task.CompletedTask;
    }

    private JsonObject MainJson
    {
        get
        {
            if (main is null)
            {
                var path = Path.Combine(outputDirectory, "main.json");
                Assert.True(Build.ExitCode == 0 && File.Exists(path), $"infra/main.bicep did not compile.\n{Build}");
                main = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            }

            return main;
        }
    }
}

[CollectionDefinition(Name)]
public sealed class CompiledInfraCollection : ICollectionFixture<CompiledInfra>
{
    public const string Name = "Compiled infra";
}

/// <summary>One ARM template: main.json itself, or a module's template nested in a deployments resource.</summary>
internal sealed partial class ArmTemplate(JsonObject json, string path, ArmTemplate? parent)
{
    public JsonObject Json { get; } = json;

    /// <summary>"main", or "main/api" for the api module's template.</summary>
    public string Path { get; } = path;

    public ArmTemplate? Parent { get; } = parent;

    public JsonObject Parameters => Json["parameters"]?.AsObject() ?? [];

    public JsonObject Outputs => Json["outputs"]?.AsObject() ?? [];

    public JsonObject Variables => Json["variables"]?.AsObject() ?? [];

    public IReadOnlySet<string> SecureParameterNames =>
        Parameters.Where(p => p.Value?["type"]?.GetValue<string>() is { } type
                && type.StartsWith("secure", StringComparison.OrdinalIgnoreCase))
            .Select(p => p.Key)
            .ToHashSet();

    // languageVersion 2.0 templates keep resources in an object keyed by symbolic name; 1.0 in an array.
    public IEnumerable<ArmResource> Resources =>
        Json["resources"] switch
        {
            JsonArray array => array.Select(r => new ArmResource(r!.AsObject(), this)),
            JsonObject symbolic => symbolic.Select(p => new ArmResource(p.Value!.AsObject(), this)),
            _ => [],
        };

    public IEnumerable<ArmTemplate> SelfAndDescendants()
    {
        yield return this;
        foreach (var resource in Resources)
        {
            if (resource.NestedTemplate is { } nested)
            {
                foreach (var template in nested.SelfAndDescendants())
                {
                    yield return template;
                }
            }
        }
    }

    /// <summary>Replaces <c>variables('x')</c> and <c>variables('x').y</c> with the variable's literal value where it has one.</summary>
    public string ResolveVariables(string expression) =>
        VariableReference().Replace(expression, match =>
        {
            JsonNode? value = Variables[match.Groups["name"].Value];
            if (match.Groups["member"].Success)
            {
                value = value is JsonObject obj ? obj[match.Groups["member"].Value] : null;
            }

            return value is JsonValue literal && literal.TryGetValue<string>(out var text) ? $"'{text}'" : match.Value;
        });

    [GeneratedRegex(@"variables\('(?<name>[^']+)'\)(\.(?<member>[A-Za-z_][A-Za-z0-9_]*))?")]
    private static partial Regex VariableReference();
}

internal sealed record ArmResource(JsonObject Json, ArmTemplate Template)
{
    public string Type => Json["type"]!.GetValue<string>();

    public string Name => Json["name"]!.GetValue<string>();

    public JsonNode? Properties => Json["properties"];

    /// <summary>The template of a module (a deployments resource), or null.</summary>
    public ArmTemplate? NestedTemplate =>
        Type == "Microsoft.Resources/deployments" && Json["properties"]?["template"] is JsonObject template
            ? new ArmTemplate(template, $"{Template.Path}/{Name}", Template)
            : null;

    /// <summary>Every string in this resource with its JSON path, leaving out a module's nested template.</summary>
    public IEnumerable<(string Path, string Value)> Strings() => Json.Strings(string.Empty, skip: "properties.template");
}

internal static class JsonWalk
{
    /// <summary>Every string value (and object key) under <paramref name="node"/>, with its dotted path.</summary>
    public static IEnumerable<(string Path, string Value)> Strings(this JsonNode? node, string path, string? skip = null)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    var childPath = path.Length == 0 ? key : $"{path}.{key}";
                    if (childPath == skip)
                    {
                        continue;
                    }

                    yield return (childPath, key);
                    foreach (var item in child.Strings(childPath, skip))
                    {
                        yield return item;
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    foreach (var item in array[i].Strings($"{path}[{i}]", skip))
                    {
                        yield return item;
                    }
                }

                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                yield return (path, text);
                break;
        }
    }

    public static string? String(this JsonNode? node, string path)
    {
        var current = node;
        foreach (var segment in path.Split('.'))
        {
            current = current?[segment];
        }

        return current is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
    }

    /// <summary>A literal boolean (not an expression that might evaluate to one).</summary>
    public static bool? Bool(this JsonNode? node, string path)
    {
        var current = node;
        foreach (var segment in path.Split('.'))
        {
            current = current?[segment];
        }

        return current is JsonValue value && value.TryGetValue<bool>(out var flag) ? flag : null;
    }
}
