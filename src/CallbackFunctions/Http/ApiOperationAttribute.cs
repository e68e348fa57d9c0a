namespace CallbackFunctions.Http;

/// <summary>
/// What an HTTP function is, for its OpenAPI operation (<see cref="OpenApiFunctions"/>): its group, a one-line summary,
/// its query parameters ("name: what it is"), its JSON body and its JSON answer.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ApiOperationAttribute(string tag, string summary) : Attribute
{
    public string Tag { get; } = tag;
    public string Summary { get; } = summary;
    public string[] Query { get; init; } = [];
    public Type? Body { get; init; }
    public Type? Answer { get; init; }
}
