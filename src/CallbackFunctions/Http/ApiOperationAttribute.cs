namespace CallbackFunctions.Http;

/// <summary>
/// What an HTTP function is, for its OpenAPI operation (<see cref="OpenApiFunctions"/>): its group, a one-line summary,
/// its route and query parameters, its JSON body and answer, and the answers it gives by status.
/// </summary>
/// <remarks>
/// A parameter is <c>"name: what it is"</c>; <c>"name (integer): ..."</c> or <c>(boolean)</c> for its type,
/// <c>(a|b)</c> for the values it takes, or the name of one of the API's enums (else a string); "(required)" in its
/// text when it must be given. An answer is
/// <c>"404: what it means"</c>. A 2xx answer carries <see cref="Answer"/>, as do the statuses in
/// <see cref="AnswerAlsoOn"/>; any other at 400 or above is <c>application/problem+json</c>. The document adds the
/// answers every route of its kind gives: 400 for bad input, 401 without a function key, 413 and 415 for a body, and a
/// Twilio route's refusals.
/// </remarks>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ApiOperationAttribute(string tag, string summary) : Attribute
{
    public string Tag { get; } = tag;
    public string Summary { get; } = summary;
    public string[] Path { get; init; } = [];
    public string[] Query { get; init; } = [];
    public Type? Body { get; init; }

    /// <summary>The media types <see cref="Body"/> is taken in (a merge patch's own, beside <c>application/json</c>).</summary>
    public string[] BodyMediaTypes { get; init; } = ["application/json"];
    public Type? Answer { get; init; }

    /// <summary>The media type of an answer that is not JSON (a page, a script, TwiML).</summary>
    public string? AnswerMediaType { get; init; }

    public string[] Responses { get; init; } = [];
    public int[] AnswerAlsoOn { get; init; } = [];
}
