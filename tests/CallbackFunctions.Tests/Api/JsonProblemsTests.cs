using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CallbackFunctions.Agents;
using CallbackFunctions.Http;
using CallbackFunctions.Rules;

namespace CallbackFunctions.Tests.Api;

/// <summary>Issue 14: a JSON fault is told in words for the sender, never with the serializer's advice to a programmer.</summary>
public sealed class JsonProblemsTests
{
    /// <summary>The app's JSON options (CallbackApp): web defaults, enums by name, unknown fields refused.</summary>
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>What the serializer's messages say that a sender cannot act on.</summary>
    public static readonly string[] ProgrammersWords =
        ["reader options", "Change the", "isFinalBlock", "in this mode", "LineNumber", "BytePositionInLine", "Path:", "System.", "`1", "could not be converted", "Body", "token type"];

    [Theory]
    [InlineData("{\"name\":\"Al\",}", "no comma before a closing")]
    [InlineData("{\"queues\":[\"support\",]}", "no comma before a closing")]
    [InlineData("{\"name\":\"Al\" /* a comment */}", "no comments")]
    [InlineData("// a comment\n{\"name\":\"Al\"}", "no comments")]
    [InlineData("", "the body is empty")]
    [InlineData("{\"name\":\"Al\"", "ends before every object and array in it is closed")]
    [InlineData("{\"name\":'Al'}", "single quotes")]
    [InlineData("{name:\"Al\"}", "a field name is not a string in double quotes (found 'n')")]
    [InlineData("{\"name\":\"Al\"} x", "something follows the end of the JSON value (found 'x')")]
    [InlineData("{\"name\":tru}", "not true, false or null")]
    [InlineData("{\"name\":\"A\nl\"}", "escaped")]
    [InlineData("{\"name\":}", "a value is missing")]
    [InlineData("{\"name\" \"Al\"}", "a ':' is missing after a field name")]
    [InlineData("{\"name\":\"Al\" \"phone\":\"+14155550972\"}", "a ',' or a closing '}' or ']' is missing after a value")]
    [InlineData("{\"name\":01}", "a number is not written as JSON writes numbers")]
    [InlineData("{\"name\":5}", "$.name must be a string (in double quotes)")]
    [InlineData("{\"queues\":\"support\"}", "$.queues must be an array ([...])")]
    [InlineData("{\"queues\":[7]}", "$.queues[0] must be a string (in double quotes)")]
    [InlineData("[1, 2]", "the body must be a JSON object ({...})")]
    public void AgentBody_Faults_AreSaidInWords(string json, string says)
    {
        var detail = Describe<AgentBody>(json);

        Assert.Contains(says, detail, StringComparison.Ordinal);
        Assert.DoesNotContain(ProgrammersWords, word => detail.Contains(word, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{\"available\":\"yes\"}", "$.available must be true or false")]
    [InlineData("{\"available\":1}", "$.available must be true or false")]
    public void AvailabilityBody_AWrongType_SaysWhatTheFieldTakes(string json, string says) =>
        Assert.Contains(says, Describe<AvailabilityBody>(json), StringComparison.Ordinal);

    [Theory]
    [InlineData("{\"schedule\":{\"weekdays\":{\"open\":8}}}", "$.schedule.weekdays.open must be a string")]
    [InlineData("{\"retries\":{\"busy\":[\"00:01:00\", 5]}}", "$.retries.busy[1] must be a string")]
    [InlineData("{\"enabled\":\"true\"}", "$.enabled must be true or false")]
    [InlineData("{\"intervals\":{}}", "$.intervals must be an array")]
    public void RuleBody_AWrongTypeDeepInside_NamesThePathAndWhatItTakes(string json, string says) =>
        Assert.Contains(says, Describe<RuleBody>(json), StringComparison.Ordinal);

    [Fact]
    public void InvalidUtf8_InAString_IsSaidSo()
    {
        var exception = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<AgentBody>([.. "{\"name\":\""u8, 0xff, 0xfe, .. "\"}"u8], Options));

        Assert.Equal("a string holds bytes that are not UTF-8", JsonProblems.Describe(exception, typeof(AgentBody), Options));
    }

    private static string Describe<T>(string json)
    {
        var exception = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<T>(Encoding.UTF8.GetBytes(json), Options));
        return JsonProblems.Describe(exception, typeof(T), Options);
    }
}
