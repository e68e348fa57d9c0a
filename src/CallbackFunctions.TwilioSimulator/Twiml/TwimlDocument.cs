namespace CallbackFunctions.TwilioSimulator.Twiml;

/// <summary>Where a document runs decides which verbs it may use (TWILIO.md §8.9).</summary>
internal enum DocumentKind
{
    /// <summary>A call's own TwiML (Url, actions, Redirect).</summary>
    Main,

    /// <summary>A &lt;Number url&gt; document run on the called party: Play, Say, Gather, Hangup.</summary>
    Whisper,

    /// <summary>An &lt;Enqueue waitUrl&gt; document: Play, Say, Pause, Hangup, Redirect, Leave, Gather.</summary>
    Wait,
}

/// <summary>A parsed, validated TwiML document; URLs already resolved against <see cref="Url"/>.</summary>
internal sealed record TwimlDocument(IReadOnlyList<TwimlVerb> Verbs, Uri? Url);

internal abstract record TwimlVerb;

internal sealed record SayVerb(string Text, int Loop) : TwimlVerb;

internal sealed record PlayVerb(Uri? Url, int Loop, string? Digits) : TwimlVerb;

internal sealed record PauseVerb(int Length) : TwimlVerb;

internal sealed record GatherVerb(
    Uri Action, string Method, bool Dtmf, int? NumDigits, int Timeout, string FinishOnKey, bool ActionOnEmptyResult,
    IReadOnlyList<TwimlVerb> Children) : TwimlVerb;

internal sealed record DialVerb(
    Uri? Action, string Method, int Timeout, string? CallerId, string Record, bool AnswerOnBridge, int TimeLimit,
    IReadOnlyList<DialNumber> Numbers) : TwimlVerb
{
    public bool Records => Record is not ("do-not-record" or "false");

    /// <summary>Each party on its own channel (the <c>-dual</c> modes).</summary>
    public bool RecordsDual => Record.EndsWith("-dual", StringComparison.Ordinal);

    public Uri? RecordingStatusCallback { get; init; }

    public string RecordingStatusCallbackMethod { get; init; } = "POST";

    /// <summary>Subscribed recording events (in-progress completed absent); default completed.</summary>
    public IReadOnlySet<string> RecordingStatusCallbackEvents { get; init; } = new HashSet<string>(StringComparer.Ordinal) { "completed" };
}

internal sealed record DialNumber(
    string Number, Uri? Url, string Method, Uri? StatusCallback, IReadOnlySet<string> StatusCallbackEvents,
    string StatusCallbackMethod, string? MachineDetection);

internal sealed record HangupVerb : TwimlVerb;

internal sealed record RedirectVerb(Uri Url, string Method) : TwimlVerb;

internal sealed record RejectVerb(string Reason) : TwimlVerb;

internal sealed record EnqueueVerb(Uri? Action, string Method, Uri? WaitUrl, string WaitUrlMethod, string QueueName) : TwimlVerb;

internal sealed record LeaveVerb : TwimlVerb;

/// <summary>A TwiML document that Twilio would refuse: 12100 (not XML) or 12200 (schema), or 13223 (bad Dial number).</summary>
internal sealed record TwimlError(int Code, string Message);
