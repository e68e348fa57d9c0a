using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace CallbackFunctions.Http;

/// <summary>
/// What is wrong with a JSON body, in a sentence for the sender. The serializer's messages speak to a programmer (.NET
/// type names, "Change the reader options.", "isFinalBlock", its own "Path: $ | LineNumber: 0 | ..." tail), and the
/// type it names for a field of a record is the record's, not the field's: so they are never passed on; each kind of
/// fault is said again in words, and a value of the wrong type says what the field takes.
/// </summary>
internal static partial class JsonProblems
{
    /// <summary>The fault, without where it is (the caller says that from the exception's line, byte and path).</summary>
    public static string Describe(JsonException e, Type body, JsonSerializerOptions options)
    {
        var message = e.Message;
        if (message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
            return Conversion(e, body, options);
        // The reader's own sentence, without the serializer's position tail (the caller says where, in words).
        foreach (var tail in new[] { " Path: ", " LineNumber: " })
            if (message.IndexOf(tail, StringComparison.Ordinal) is var at and >= 0) message = message[..at];
        var found = Found().Match(message) is { Success: true } m ? $" (found '{m.Groups[1].Value}')" : "";
        return message switch
        {
            _ when message.Contains("trailing comma", StringComparison.Ordinal) => "a comma is followed by no value; JSON takes no comma before a closing '}' or ']'",
            _ when message.StartsWith("'/'", StringComparison.Ordinal) => "JSON takes no comments ('//' or '/* */')",
            _ when message.Contains("does not contain any JSON tokens", StringComparison.Ordinal) => "the body is empty",
            _ when message.Contains("Expected depth to be zero", StringComparison.Ordinal) => "the body ends before every object and array in it is closed",
            _ when message.StartsWith("''' is an invalid start", StringComparison.Ordinal) => "a string is in single quotes; JSON strings take double quotes",
            _ when message.Contains("invalid start of a property name", StringComparison.Ordinal) => $"a field name is not a string in double quotes{found}",
            _ when message.Contains("invalid after a single JSON value", StringComparison.Ordinal) => $"something follows the end of the JSON value{found}",
            _ when message.Contains("invalid JSON literal", StringComparison.Ordinal) => $"a word without quotes that is not true, false or null{found}",
            _ when message.Contains("within a JSON string", StringComparison.Ordinal) =>
                "a string holds a character JSON needs escaped (a line break, a tab or another control character) or a broken escape such as '\\u12'",
            _ when message.Contains("invalid start of a value", StringComparison.Ordinal) =>
                $"a value is missing, or is not a JSON value (a string in double quotes, a number, true, false, null, an object or an array){found}",
            _ when message.Contains("invalid after a property name", StringComparison.Ordinal) => $"a ':' is missing after a field name{found}",
            _ when message.Contains("invalid after a value", StringComparison.Ordinal) => $"a ',' or a closing '}}' or ']' is missing after a value{found}",
            _ when message.Contains("number", StringComparison.OrdinalIgnoreCase) || message.Contains("leading zero", StringComparison.Ordinal) =>
                $"a number is not written as JSON writes numbers{found}",
            _ when message.Contains("depth", StringComparison.Ordinal) && message.Contains("exceeded", StringComparison.Ordinal) =>
                "objects and arrays are nested too deep",
            _ when message.Contains("missing required properties", StringComparison.Ordinal) => "a field this route requires is missing",
            _ => "it is not well-formed JSON",
        };
    }

    /// <summary>A well-formed value of the wrong type: what the field at the exception's path takes.</summary>
    private static string Conversion(JsonException e, Type body, JsonSerializerOptions options)
    {
        if (e.InnerException?.Message.Contains("invalid UTF-8", StringComparison.OrdinalIgnoreCase) == true)
            return "a string holds bytes that are not UTF-8";
        var path = string.IsNullOrEmpty(e.Path) ? "$" : e.Path;
        if (TypeAt(body, path, options) is not { } type) return $"the value at {path} is not of the type this field takes";
        var takes = Takes(type, options);
        return path == "$" ? $"the body must be {takes}" : $"{path} must be {takes}";
    }

    /// <summary>The type the body takes at a JSON path such as <c>$.schedule.weekdays.open</c> or <c>$.queues[0]</c>.</summary>
    private static Type? TypeAt(Type body, string path, JsonSerializerOptions options)
    {
        if (!path.StartsWith('$')) return null;
        var type = body;
        foreach (Match step in PathStep().Matches(path[1..]))
        {
            var info = options.GetTypeInfo(Nullable.GetUnderlyingType(type) ?? type);
            if (step.Groups["index"].Success)
            {
                if (info.Kind != JsonTypeInfoKind.Enumerable || info.ElementType is null) return null;
                type = info.ElementType;
                continue;
            }
            var name = step.Groups["name"].Success ? step.Groups["name"].Value : step.Groups["quoted"].Value.Replace("''", "'", StringComparison.Ordinal);
            var comparison = options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            switch (info.Kind)
            {
                case JsonTypeInfoKind.Object when info.Properties.FirstOrDefault(p => p.Name.Equals(name, comparison)) is { } property:
                    type = property.PropertyType;
                    break;
                case JsonTypeInfoKind.Dictionary when info.ElementType is { } value:
                    type = value;
                    break;
                default:
                    return null;
            }
        }
        return type;
    }

    /// <summary>What a value of <paramref name="type"/> is, in JSON words.</summary>
    private static string Takes(Type type, JsonSerializerOptions options)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return "a string (in double quotes)";
        if (type == typeof(bool)) return "true or false";
        if (type.IsEnum) return $"one of {string.Join(", ", Enum.GetNames(type))}";
        if (type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte) || type == typeof(uint) || type == typeof(ulong))
            return "a whole number (not too large)";
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) return "a number";
        if (type == typeof(DateTimeOffset) || type == typeof(DateTime)) return "a date and time such as \"2026-12-07T08:00:00Z\"";
        if (type == typeof(TimeSpan)) return "a duration such as \"00:05:00\"";
        return options.GetTypeInfo(type).Kind switch
        {
            JsonTypeInfoKind.Enumerable => "an array ([...])",
            JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "a JSON object ({...})",
            _ => "a value of another type",
        };
    }

    /// <summary>The offending text the reader quotes at the start of its message: <c>'x' is invalid ...</c>.</summary>
    [GeneratedRegex(@"^'(.{1,12}?)' (?:is|was)\b")]
    private static partial Regex Found();

    /// <summary>One step of a JSON path as the serializer writes it: <c>.name</c>, <c>['odd name']</c> or <c>[3]</c>.</summary>
    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\['(?<quoted>(?:[^']|'')*)'\]|\[(?<index>\d+)\]")]
    private static partial Regex PathStep();
}
