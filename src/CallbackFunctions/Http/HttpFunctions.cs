using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace CallbackFunctions.Http;

/// <summary>
/// The app's HTTP functions, found by their attributes as the hosts find them: what the OpenAPI document describes and
/// what <see cref="QueryParameters"/> checks a request's query against.
/// </summary>
public static class HttpFunctions
{
    /// <summary>One HTTP function: its method, trigger, <c>[Function]</c> name and <see cref="ApiOperationAttribute"/>.</summary>
    public sealed record Entry(MethodInfo Method, HttpTriggerAttribute Trigger, string Name, ApiOperationAttribute? Operation)
    {
        /// <summary>A Twilio webhook (anonymous, signed), rather than a route of the management API.</summary>
        public bool IsTwilio => Trigger.Route?.StartsWith("api/twilio/", StringComparison.Ordinal) == true;

        /// <summary>The query parameters it takes, by name (<see cref="ApiOperationAttribute.Query"/> says "name (type): what it is").</summary>
        public IEnumerable<string> Query => (Operation?.Query ?? []).Select(q =>
        {
            var colon = q.IndexOf(':', StringComparison.Ordinal);
            var head = colon < 0 ? q : q[..colon];
            var open = head.IndexOf('(', StringComparison.Ordinal);
            return (open < 0 ? head : head[..open]).Trim();
        });
    }

    private static readonly Lazy<IReadOnlyList<Entry>> Found = new(() =>
        [.. typeof(HttpFunctions).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Trigger: m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null),
                Function: m.GetCustomAttribute<FunctionAttribute>()))
            .Where(x => x.Trigger is not null && x.Function is not null)
            .Select(x => new Entry(x.Method, x.Trigger!, x.Function!.Name, x.Method.GetCustomAttribute<ApiOperationAttribute>()))
            .OrderBy(x => x.Trigger.Route, StringComparer.Ordinal)]);

    private static readonly Lazy<IReadOnlyDictionary<string, Entry>> ByName = new(() => Found.Value.ToDictionary(f => f.Name, StringComparer.Ordinal));

    public static IReadOnlyList<Entry> All => Found.Value;

    /// <summary>The HTTP function of that <c>[Function]</c> name; null for another kind of function (a timer, an activity).</summary>
    public static Entry? Named(string name) => ByName.Value.GetValueOrDefault(name);
}
