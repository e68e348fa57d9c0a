namespace CallbackFunctions.TwilioSimulator.Control;

/// <summary>
/// Endpoint metadata for the page at <c>GET /</c>: what a control route does, the JSON body it reads, what it answers.
/// The page is rendered from the endpoints themselves, so a route is listed as soon as it is mapped.
/// </summary>
/// <param name="Does">One or two sentences.</param>
/// <param name="Answers">Status and body, e.g. "204, no body".</param>
internal sealed record RouteDoc(string Does, string Answers)
{
    /// <summary>The JSON body the route reads (its fields, types and defaults are listed from the type).</summary>
    public Type? Body { get; init; }

    /// <summary>The JSON body of the curl example (no single quotes: it is pasted inside '...').</summary>
    public string? ExampleBody { get; init; }

    /// <summary>The JSON the route answers (its field names are listed from the type).</summary>
    public Type? Response { get; init; }
}

/// <summary>One Twilio REST operation on an endpoint (REST endpoints dispatch on the method themselves).</summary>
internal sealed record RestOperation(string Method, string Does);

/// <summary>Endpoint metadata for the REST table on the page at <c>GET /</c>.</summary>
internal sealed record RestRouteDoc(params RestOperation[] Operations);
