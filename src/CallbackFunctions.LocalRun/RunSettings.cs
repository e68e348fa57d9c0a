using System.Collections;
using System.Text.Json;
using CallbackFunctions.Spool;
using CallbackFunctions.Settings;
using Microsoft.Extensions.Configuration;

namespace CallbackFunctions.LocalRun;

/// <summary>Where a setting of <c>./run.sh</c> came from.</summary>
public enum SettingSource { Environment, LocalSettingsJson }

/// <summary>One app setting the user gave: its name as they spelled it (e.g. <c>Callbacks__Intervals</c>) and its key.</summary>
public sealed record UserSetting(string Name, string Key, string? Value, SettingSource Source)
{
    public string Where => Source == SettingSource.Environment ? "the environment" : "local.settings.json";
}

/// <summary>A setting that stops the run before anything starts.</summary>
public sealed class RunSettingsException(string message) : Exception(message);

/// <summary>
/// The app settings of <c>./run.sh</c> (run mode): the run mode's embedded defaults (<see cref="LocalStackOptions"/>),
/// overridden by <c>local.settings.json</c>'s <c>Values</c> (as the Functions host reads them), overridden by the
/// environment. The settings that wire the app to the local stack (<see cref="StackOwned"/>) keep the stack's values.
/// </summary>
public sealed class RunSettings
{
    /// <summary>Sections (and single keys) of the app's settings; other environment variables are not the app's.</summary>
    private static readonly string[] Sections = [CallbackOptions.Section, TwilioOptions.Section, StorageOptions.Section, SpoolOptions.Section, "LocalHost"];
    private static readonly string[] SingleKeys = ["AzureWebJobsStorage", "DurableTaskHubName"];

    /// <summary>What run mode points at Azurite and the simulator, whatever the user set.</summary>
    public static readonly IReadOnlySet<string> StackOwned = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "AzureWebJobsStorage", "Twilio:AccountSid", "Twilio:AuthToken", "Twilio:ApiKeySid", "Twilio:ApiKeySecret",
        "Twilio:ApiBaseUrl", "Twilio:WebhookBaseUrl",
    };

    private RunSettings(IReadOnlyList<UserSetting> applied, IReadOnlyList<UserSetting> kept)
    {
        Applied = applied;
        Kept = kept;
    }

    /// <summary>The user's settings the app runs on (the winner of each key), by name.</summary>
    public IReadOnlyList<UserSetting> Applied { get; }
    /// <summary>The user's settings the stack keeps its own value for.</summary>
    public IReadOnlyList<UserSetting> Kept { get; }

    /// <summary>The overrides, as the keys the local stack's settings use.</summary>
    public IReadOnlyDictionary<string, string?> Overrides => Applied.ToDictionary(s => s.Key, s => s.Value, StringComparer.OrdinalIgnoreCase);

    /// <summary>Reads <paramref name="localSettingsPath"/> and <paramref name="environment"/>, and checks the result as the app would.</summary>
    /// <exception cref="RunSettingsException">A setting the app would refuse, or an unreadable local.settings.json.</exception>
    public static RunSettings Load(string localSettingsPath, IDictionary environment, LocalStackOptions defaults)
    {
        var all = Read(localSettingsPath, environment);
        var settings = new RunSettings([.. all.Where(s => !StackOwned.Contains(s.Key))], [.. all.Where(s => StackOwned.Contains(s.Key))]);
        settings.Check(LocalStack.CallbackSettings(defaults));
        return settings;
    }

    /// <summary>
    /// The settings of <c>./run.sh app</c>: every app setting in <paramref name="localSettingsPath"/> and
    /// <paramref name="environment"/> (none is a stack's: it runs on what it is given), checked over the app's own
    /// defaults before anything starts, as the app checks them when it starts (a placeholder Twilio setting included).
    /// </summary>
    /// <exception cref="RunSettingsException">A setting the app would refuse, or an unreadable local.settings.json.</exception>
    public static RunSettings LoadForApp(string localSettingsPath, IDictionary environment)
    {
        var settings = new RunSettings(Read(localSettingsPath, environment), []);
        settings.Check(new Dictionary<string, string?>());
        return settings;
    }

    /// <summary>The user's app settings, the environment's over local.settings.json's, by key.</summary>
    private static List<UserSetting> Read(string localSettingsPath, IDictionary environment)
    {
        var byKey = new Dictionary<string, UserSetting>(StringComparer.OrdinalIgnoreCase);
        foreach (var s in ReadLocalSettings(localSettingsPath)) byKey[s.Key] = s;
        foreach (DictionaryEntry e in environment)
        {
            if (e.Key is not string name || !IsAppSetting(KeyOf(name))) continue;
            byKey[KeyOf(name)] = new UserSetting(name, KeyOf(name), e.Value as string, SettingSource.Environment);
        }
        return [.. byKey.Values.OrderBy(s => s.Key, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>The configuration key of a setting name: <c>Callbacks__Intervals</c> is <c>Callbacks:Intervals</c>.</summary>
    public static string KeyOf(string name) => name.Replace("__", ":", StringComparison.Ordinal);

    private static bool IsAppSetting(string key) =>
        SingleKeys.Contains(key, StringComparer.OrdinalIgnoreCase)
        || Sections.Any(s => key.StartsWith(s + ":", StringComparison.OrdinalIgnoreCase));

    /// <summary>Every setting in local.settings.json's <c>Values</c> (the Functions host's own, e.g. FUNCTIONS_WORKER_RUNTIME, aside).</summary>
    private static IEnumerable<UserSetting> ReadLocalSettings(string path)
    {
        if (!File.Exists(path)) return [];
        JsonDocument document;
        try { document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }); }
        catch (JsonException e) { throw new RunSettingsException($"{path} is not valid JSON: {e.Message}"); }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("Values", out var values)) return [];
            if (values.ValueKind != JsonValueKind.Object) throw new RunSettingsException($"{path}: \"Values\" must be an object of setting names and strings");
            var result = new List<UserSetting>();
            foreach (var p in values.EnumerateObject())
            {
                if (!IsAppSetting(KeyOf(p.Name))) continue;
                var value = p.Value.ValueKind switch
                {
                    JsonValueKind.String => p.Value.GetString(),
                    JsonValueKind.Null => null,
                    _ => p.Value.GetRawText(),
                };
                result.Add(new UserSetting(p.Name, KeyOf(p.Name), value, SettingSource.LocalSettingsJson));
            }
            return result;
        }
    }

    /// <summary>
    /// Binds the app's option types from <paramref name="defaults"/> and the overrides, as the app will, and runs the
    /// app's own <see cref="CallbackOptions.Validate"/> and <see cref="TwilioOptions.Validate"/>: a bad setting stops
    /// the run before anything starts, on one line, or one line each when there are several.
    /// </summary>
    private void Check(IReadOnlyDictionary<string, string?> defaults)
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(defaults)
            .AddInMemoryCollection(Overrides)
            .Build();
        var problems = new List<string>();
        Bind<CallbackOptions>(config, CallbackOptions.Section, problems, out var callbacks);
        Bind<TwilioOptions>(config, TwilioOptions.Section, problems, out var twilio);
        Bind<StorageOptions>(config, StorageOptions.Section, problems, out _);
        Bind<SpoolOptions>(config, SpoolOptions.Section, problems, out _);
        if (callbacks is not null) problems.AddRange(callbacks.Validate());
        if (twilio is not null) problems.AddRange(twilio.Validate());
        if (problems.Count == 0) return;
        var lines = problems.Select(p => OneLine(p) + Given(p)).ToList();
        throw new RunSettingsException(lines.Count == 1 ? "Bad setting: " + lines[0] : "Bad settings:\n" + string.Join('\n', lines.Select(l => "  " + l)));
    }

    /// <summary>" (Callbacks__Intervals is set in the environment)": where the user gave what a problem is about.</summary>
    private string Given(string problem)
    {
        var given = About(problem).Select(s => $"{s.Name} is set in {s.Where}").ToList();
        return given.Count > 0 ? " (" + string.Join(", ", given) + ")" : "";
    }

    /// <summary>
    /// The user's settings a problem is about: those it names, else (a rule-level problem such as "Callbacks: expiry must
    /// be positive") those of its section whose name it spells in words, else every one of that section.
    /// </summary>
    private IEnumerable<UserSetting> About(string problem)
    {
        var named = Applied.Where(s => problem.Contains(s.Key, StringComparison.OrdinalIgnoreCase)).ToList();
        if (named.Count > 0) return named;
        var section = Applied.Where(s => problem.StartsWith(s.Key.Split(':')[0] + ": ", StringComparison.OrdinalIgnoreCase)).ToList();
        var squeezed = problem.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        var spelled = section.Where(s => squeezed.Contains(s.Key[(s.Key.LastIndexOf(':') + 1)..], StringComparison.OrdinalIgnoreCase)).ToList();
        return spelled.Count > 0 ? spelled : section;
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static void Bind<T>(IConfiguration config, string section, List<string> problems, out T? bound) where T : class, new()
    {
        bound = null;
        try
        {
            var options = new T();
            config.GetSection(section).Bind(options, o => o.ErrorOnUnknownConfiguration = false);
            bound = options;
        }
        catch (InvalidOperationException e)
        {
            problems.Add(e.Message);
        }
    }
}
