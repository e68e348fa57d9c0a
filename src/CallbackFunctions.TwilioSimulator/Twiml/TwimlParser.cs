using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using CallbackFunctions.TwilioSimulator.Support;

namespace CallbackFunctions.TwilioSimulator.Twiml;

/// <summary>
/// Strict TwiML reader (TWILIO.md §4, §8.8–8.9): root &lt;Response&gt;, case-sensitive names, only documented
/// attributes and enum values, nesting per verb and per document kind. Relative URLs resolve against the document's
/// URL; a document without one (inline <c>Twiml</c>) must use absolute URLs.
/// </summary>
internal static partial class TwimlParser
{
    public const int ParseFailure = 12100;
    public const int SchemaViolation = 12200;
    public const int InvalidDialNumber = 13223;

    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        IgnoreComments = true,
        IgnoreWhitespace = false,
    };

    /// <summary>Real TwiML verbs this simulator does not play: valid for Twilio, refused here so that nobody relies on them.</summary>
    private static readonly HashSet<string> UnsupportedVerbs =
        ["Record", "Connect", "Pay", "Refer", "Start", "Stop", "Sms", "Prompt", "Echo", "Autopilot", "Queue", "Conference", "Client", "Sip"];

    private static readonly HashSet<string> SsmlElements =
        ["break", "emphasis", "lang", "p", "phoneme", "prosody", "s", "say-as", "sub", "w"];

    private static readonly string[] RingTones =
    [
        "at", "au", "bg", "br", "be", "ch", "cl", "cn", "cz", "de", "dk", "ee", "es", "fi", "fr", "gr", "hu", "il", "in", "it", "lt",
        "jp", "mx", "my", "nl", "no", "nz", "ph", "pl", "pt", "ru", "se", "sg", "th", "uk", "us", "us-old", "tw", "ve", "za",
    ];

    public static (TwimlDocument? Document, TwimlError? Error) Parse(string xml, DocumentKind kind, Uri? documentUrl)
    {
        XDocument xdoc;
        try
        {
            using var text = new StringReader(xml);
            using var reader = XmlReader.Create(text, ReaderSettings);
            xdoc = XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException ex)
        {
            return (null, new TwimlError(ParseFailure, $"TwiML is not well-formed XML: {ex.Message}"));
        }

        try
        {
            return (new Reader(kind, documentUrl).Document(xdoc), null);
        }
        catch (InvalidTwimlException ex)
        {
            return (null, new TwimlError(ex.Code, ex.Message));
        }
    }

    private sealed class InvalidTwimlException(int code, string message) : Exception(message)
    {
        public int Code { get; } = code;
    }

    private sealed class Reader(DocumentKind kind, Uri? documentUrl)
    {
        public TwimlDocument Document(XDocument xdoc)
        {
            var root = xdoc.Root ?? throw Fail(null, "the document has no root element");
            if (root.Name != XName.Get("Response"))
            {
                throw Fail(root, $"the root element must be <Response>, not <{root.Name}>");
            }

            Attributes(root);
            var verbs = new List<TwimlVerb>();
            foreach (var node in root.Nodes())
            {
                switch (node)
                {
                    case XText t when string.IsNullOrWhiteSpace(t.Value):
                        break;
                    case XElement e:
                        verbs.Add(Verb(e));
                        break;
                    default:
                        throw Fail(root, $"<Response> may contain only verbs, found {node.NodeType}");
                }
            }

            return new TwimlDocument(verbs, documentUrl);
        }

        private TwimlVerb Verb(XElement e)
        {
            var name = ElementName(e);
            var allowed = kind switch
            {
                DocumentKind.Whisper => name is "Play" or "Say" or "Gather" or "Hangup",
                DocumentKind.Wait => name is "Play" or "Say" or "Pause" or "Hangup" or "Redirect" or "Leave" or "Gather",
                _ => name is "Say" or "Play" or "Pause" or "Gather" or "Dial" or "Hangup" or "Redirect" or "Reject" or "Enqueue",
            };
            if (!allowed)
            {
                if (name is "Leave")
                {
                    throw Fail(e, "<Leave> is only allowed in an <Enqueue waitUrl> document");
                }

                if (kind != DocumentKind.Main && IsKnownVerb(name))
                {
                    var where = kind == DocumentKind.Whisper ? "a <Number url> document (Play, Say, Gather, Hangup only)" : "a waitUrl document";
                    throw Fail(e, $"<{name}> is not allowed in {where}");
                }

                throw UnsupportedVerbs.Contains(name)
                    ? Fail(e, $"<{name}> is valid TwiML but this simulator does not support it")
                    : Fail(e, $"unknown verb <{name}> (names are case-sensitive)");
            }

            return name switch
            {
                "Say" => Say(e),
                "Play" => Play(e, insideGather: false),
                "Pause" => Pause(e),
                "Gather" => Gather(e),
                "Dial" => Dial(e),
                "Hangup" => Empty(e, new HangupVerb()),
                "Leave" => Empty(e, new LeaveVerb()),
                "Redirect" => Redirect(e),
                "Reject" => Reject(e),
                "Enqueue" => Enqueue(e),
                _ => throw Fail(e, $"unknown verb <{name}>"),
            };
        }

        private static bool IsKnownVerb(string name) =>
            name is "Say" or "Play" or "Pause" or "Gather" or "Dial" or "Hangup" or "Redirect" or "Reject" or "Enqueue" or "Leave";

        private SayVerb Say(XElement e)
        {
            var a = Attributes(e, "voice", "language", "loop");
            if (a.TryGetValue("voice", out var voice) &&
                voice is not ("man" or "woman") && !voice.StartsWith("Polly.", StringComparison.Ordinal) && !voice.StartsWith("Google.", StringComparison.Ordinal))
            {
                throw Fail(e, $"<Say voice=\"{voice}\"> must be man, woman, Polly.* or Google.*");
            }

            if (a.TryGetValue("language", out var language) && !LanguageTag().IsMatch(language))
            {
                throw Fail(e, $"<Say language=\"{language}\"> is not a language tag like en-US");
            }

            var loop = Int(e, a, "loop", 1, 0, 1000);
            foreach (var child in e.Elements())
            {
                Ssml(child);
            }

            var text = Whitespace().Replace(e.Value, " ").Trim();
            if (text.Length == 0)
            {
                throw Fail(e, "<Say> needs text to say");
            }

            return new SayVerb(text, loop);
        }

        private void Ssml(XElement e)
        {
            if (e.Name.Namespace != XNamespace.None || !SsmlElements.Contains(e.Name.LocalName))
            {
                throw Fail(e, $"<{e.Name.LocalName}> is not an SSML element allowed inside <Say>");
            }

            foreach (var child in e.Elements())
            {
                Ssml(child);
            }
        }

        private PlayVerb Play(XElement e, bool insideGather)
        {
            var a = Attributes(e, "loop", "digits");
            var loop = Int(e, a, "loop", 1, 0, 1000);
            NoChildElements(e);
            var text = e.Value.Trim();
            if (a.TryGetValue("digits", out var digits))
            {
                if (insideGather)
                {
                    throw Fail(e, "<Play digits> is not allowed inside <Gather>");
                }

                if (digits.Length == 0 || !DigitsPattern().IsMatch(digits))
                {
                    throw Fail(e, $"<Play digits=\"{digits}\"> may contain only 0-9 A-D # * w W");
                }

                if (text.Length > 0)
                {
                    throw Fail(e, "<Play digits> must be empty");
                }

                return new PlayVerb(null, loop, digits);
            }

            if (text.Length == 0)
            {
                throw Fail(e, "<Play> needs a media URL");
            }

            return new PlayVerb(ResolveUrl(e, text, "<Play>"), loop, null);
        }

        private PauseVerb Pause(XElement e)
        {
            var a = Attributes(e, "length");
            NoContent(e);
            return new PauseVerb(Int(e, a, "length", 1, 1, 3600));
        }

        private GatherVerb Gather(XElement e)
        {
            var a = Attributes(
                e, "action", "method", "input", "numDigits", "timeout", "finishOnKey", "actionOnEmptyResult", "speechTimeout", "speechModel",
                "language", "hints", "profanityFilter", "partialResultCallback", "partialResultCallbackMethod", "enhanced", "maxSpeechTime",
                "bargeIn", "debug");
            var action = a.TryGetValue("action", out var rawAction)
                ? ResolveUrl(e, rawAction, "<Gather action>")
                : documentUrl ?? throw Fail(e, "<Gather> without action needs a document URL; inline Twiml must give an absolute action");
            var method = Method(e, a, "method");
            var input = Enum(e, a, "input", "dtmf", "dtmf", "speech", "dtmf speech");
            int? numDigits = a.ContainsKey("numDigits") ? Int(e, a, "numDigits", 1, 1, 100) : null;
            var timeout = Int(e, a, "timeout", 5, 1, 600);
            var finishOnKey = a.TryGetValue("finishOnKey", out var key) ? key : "#";
            if (finishOnKey.Length > 1 || (finishOnKey.Length == 1 && !"0123456789#*".Contains(finishOnKey[0], StringComparison.Ordinal)))
            {
                throw Fail(e, $"<Gather finishOnKey=\"{finishOnKey}\"> must be one of 0-9 # * or empty");
            }

            var actionOnEmptyResult = Bool(e, a, "actionOnEmptyResult", false);
            foreach (var flag in new[] { "profanityFilter", "enhanced", "bargeIn", "debug" })
            {
                Bool(e, a, flag, false);
            }

            if (a.TryGetValue("speechTimeout", out var speechTimeout) && speechTimeout != "auto")
            {
                Int(e, a, "speechTimeout", 0, 0, 600);
            }

            if (a.ContainsKey("maxSpeechTime"))
            {
                Int(e, a, "maxSpeechTime", 60, 1, 60);
            }

            if (a.TryGetValue("language", out var language) && !LanguageTag().IsMatch(language))
            {
                throw Fail(e, $"<Gather language=\"{language}\"> is not a language tag like en-US");
            }

            if (a.TryGetValue("partialResultCallback", out var partial))
            {
                ResolveUrl(e, partial, "<Gather partialResultCallback>");
            }

            Method(e, a, "partialResultCallbackMethod");

            var children = new List<TwimlVerb>();
            foreach (var node in e.Nodes())
            {
                switch (node)
                {
                    case XText t when string.IsNullOrWhiteSpace(t.Value):
                        break;
                    case XElement child:
                        var childName = ElementName(child);
                        children.Add(childName switch
                        {
                            "Say" => Say(child),
                            "Play" => Play(child, insideGather: true),
                            "Pause" => Pause(child),
                            _ => throw Fail(child, $"<Gather> may contain only <Say>, <Play> and <Pause>, not <{childName}>"),
                        });
                        break;
                    default:
                        throw Fail(e, "<Gather> may not contain text");
                }
            }

            return new GatherVerb(action, method, input.Contains("dtmf", StringComparison.Ordinal), numDigits, timeout, finishOnKey, actionOnEmptyResult, children);
        }

        private DialVerb Dial(XElement e)
        {
            var a = Attributes(
                e, "action", "method", "timeout", "callerId", "record", "recordingStatusCallback", "recordingStatusCallbackMethod",
                "recordingStatusCallbackEvent", "recordingTrack", "trim", "answerOnBridge", "hangupOnStar", "timeLimit", "ringTone", "callReason",
                "sequential", "referUrl", "referMethod", "recordingConfigurationId");
            Uri? action = a.TryGetValue("action", out var rawAction) ? ResolveUrl(e, rawAction, "<Dial action>") : null;
            var method = Method(e, a, "method");
            var timeout = Int(e, a, "timeout", 30, 5, 600);
            var record = Enum(
                e, a, "record", "do-not-record",
                "do-not-record", "record-from-answer", "record-from-ringing", "record-from-answer-dual", "record-from-ringing-dual", "true", "false");
            var answerOnBridge = Bool(e, a, "answerOnBridge", false);
            Bool(e, a, "hangupOnStar", false);
            Bool(e, a, "sequential", false);
            var timeLimit = Int(e, a, "timeLimit", 14400, 1, 14400);
            Enum(e, a, "ringTone", "us", RingTones);
            Enum(e, a, "recordingTrack", "both", "inbound", "outbound", "both");
            Enum(e, a, "trim", "do-not-trim", "trim-silence", "do-not-trim");
            var recordingMethod = Method(e, a, "recordingStatusCallbackMethod");
            Method(e, a, "referMethod");
            var recordingEvents = SpaceList(e, a, "recordingStatusCallbackEvent", "in-progress", "completed", "absent") ?? ["completed"];
            Uri? recordingCallback = a.TryGetValue("recordingStatusCallback", out var rsc) ? ResolveUrl(e, rsc, "<Dial recordingStatusCallback>") : null;

            if (a.TryGetValue("referUrl", out var referUrl))
            {
                ResolveUrl(e, referUrl, "<Dial referUrl>");
            }

            if (a.TryGetValue("callReason", out var reason) && reason.Length > 50)
            {
                throw Fail(e, "<Dial callReason> is limited to 50 characters");
            }

            string? callerId = a.TryGetValue("callerId", out var cid) ? cid : null;
            var numbers = new List<DialNumber>();
            var text = string.Concat(e.Nodes().OfType<XText>().Select(t => t.Value)).Trim();
            var elements = e.Elements().ToList();
            if (text.Length > 0 && elements.Count > 0)
            {
                throw Fail(e, "<Dial> takes either a plain number or nouns, not both");
            }

            if (text.Length > 0)
            {
                numbers.Add(new DialNumber(E164(e, text), null, "POST", null, new HashSet<string> { "completed" }, "POST", null));
            }

            foreach (var child in elements)
            {
                var childName = ElementName(child);
                numbers.Add(childName switch
                {
                    "Number" => Number(child),
                    "Client" or "Conference" or "Queue" or "Sip" or "Application" or "WhatsApp" =>
                        throw Fail(child, $"<Dial><{childName}> is valid TwiML but this simulator dials only <Number>"),
                    _ => throw Fail(child, $"<{childName}> is not a <Dial> noun"),
                });
            }

            if (numbers.Count == 0)
            {
                throw Fail(e, "<Dial> needs a number to dial");
            }

            if (numbers.Count > 10)
            {
                throw Fail(e, "<Dial> may contain at most 10 <Number> nouns");
            }

            return new DialVerb(action, method, timeout, callerId, record, answerOnBridge, timeLimit, numbers)
            {
                RecordingStatusCallback = recordingCallback,
                RecordingStatusCallbackMethod = recordingMethod,
                RecordingStatusCallbackEvents = recordingEvents,
            };
        }

        private DialNumber Number(XElement e)
        {
            var a = Attributes(
                e, "url", "method", "sendDigits", "statusCallback", "statusCallbackEvent", "statusCallbackMethod", "machineDetection",
                "machineDetectionTimeout", "machineDetectionSpeechThreshold", "machineDetectionSpeechEndThreshold",
                "machineDetectionSilenceTimeout", "amdStatusCallback", "amdStatusCallbackMethod", "byoc");
            NoChildElements(e);
            var number = E164(e, e.Value.Trim());
            Uri? url = a.TryGetValue("url", out var rawUrl) ? ResolveUrl(e, rawUrl, "<Number url>") : null;
            Uri? statusCallback = a.TryGetValue("statusCallback", out var rawCallback) ? ResolveUrl(e, rawCallback, "<Number statusCallback>") : null;
            var events = SpaceList(e, a, "statusCallbackEvent", "initiated", "ringing", "answered", "completed") ?? ["completed"];
            string? amd = a.ContainsKey("machineDetection") ? Enum(e, a, "machineDetection", "Enable", "Enable", "DetectMessageEnd") : null;
            Int(e, a, "machineDetectionTimeout", 30, 3, 60);
            Int(e, a, "machineDetectionSpeechThreshold", 2400, 1000, 6000);
            Int(e, a, "machineDetectionSpeechEndThreshold", 1200, 500, 5000);
            Int(e, a, "machineDetectionSilenceTimeout", 5000, 2000, 10000);
            if (a.TryGetValue("amdStatusCallback", out var amdCallback))
            {
                ResolveUrl(e, amdCallback, "<Number amdStatusCallback>");
            }

            Method(e, a, "amdStatusCallbackMethod");
            if (a.TryGetValue("sendDigits", out var sendDigits) && (sendDigits.Length is 0 or > 32 || !DigitsPattern().IsMatch(sendDigits)))
            {
                throw Fail(e, $"<Number sendDigits=\"{sendDigits}\"> allows at most 32 of 0-9 A-D # * w W");
            }

            return new DialNumber(number, url, Method(e, a, "method"), statusCallback, events, Method(e, a, "statusCallbackMethod"), amd);
        }

        private EnqueueVerb Enqueue(XElement e)
        {
            var a = Attributes(e, "action", "method", "waitUrl", "waitUrlMethod", "workflowSid");
            Uri? action = a.TryGetValue("action", out var rawAction) ? ResolveUrl(e, rawAction, "<Enqueue action>") : null;
            Uri? waitUrl = a.TryGetValue("waitUrl", out var rawWait) && rawWait.Length > 0 ? ResolveUrl(e, rawWait, "<Enqueue waitUrl>") : null;
            var method = Method(e, a, "method");
            var waitMethod = Method(e, a, "waitUrlMethod");
            var task = e.Elements().ToList();
            string name;
            if (task.Count > 0)
            {
                if (task.Count > 1 || ElementName(task[0]) != "Task")
                {
                    throw Fail(e, "<Enqueue> may contain only a queue name or one <Task>");
                }

                if (!a.ContainsKey("workflowSid"))
                {
                    throw Fail(e, "<Enqueue><Task> needs workflowSid");
                }

                Int(task[0], Attributes(task[0], "priority", "timeout"), "priority", 0, 0, int.MaxValue);
                name = "task:" + a["workflowSid"];
            }
            else
            {
                name = e.Value.Trim();
                if (name.Length is 0 or > 64)
                {
                    throw Fail(e, "<Enqueue> needs a queue name of 1 to 64 characters");
                }
            }

            return new EnqueueVerb(action, method, waitUrl, waitMethod, name);
        }

        private RedirectVerb Redirect(XElement e)
        {
            var a = Attributes(e, "method");
            NoChildElements(e);
            var text = e.Value.Trim();
            if (text.Length == 0)
            {
                throw Fail(e, "<Redirect> needs a URL");
            }

            return new RedirectVerb(ResolveUrl(e, text, "<Redirect>"), Method(e, a, "method"));
        }

        private RejectVerb Reject(XElement e)
        {
            var a = Attributes(e, "reason");
            NoContent(e);
            return new RejectVerb(Enum(e, a, "reason", "rejected", "rejected", "busy"));
        }

        private T Empty<T>(XElement e, T verb)
            where T : TwimlVerb
        {
            Attributes(e);
            NoContent(e);
            return verb;
        }

        private string E164(XElement e, string number) =>
            PhoneNumbers.IsE164(number)
                ? number
                : throw new InvalidTwimlException(InvalidDialNumber, $"{Where(e)}<Dial> number '{number}' is not E.164 (+ and up to 15 digits)");

        private Uri ResolveUrl(XElement e, string raw, string what)
        {
            var value = raw.Trim();
            if (value.Length == 0)
            {
                throw Fail(e, $"{what} URL is empty");
            }

            if (Uri.TryCreate(value, UriKind.Absolute, out var absolute) && !(absolute.IsFile && value.StartsWith('/')))
            {
                return absolute.Scheme is "http" or "https" ? absolute : throw Fail(e, $"{what} URL '{value}' is not http(s)");
            }

            if (documentUrl is null)
            {
                throw Fail(e, $"{what} URL '{value}' is relative, but inline Twiml has no document URL to resolve it against: use an absolute URL");
            }

            return Uri.TryCreate(documentUrl, value, out var resolved) && resolved.Scheme is "http" or "https"
                ? resolved
                : throw Fail(e, $"{what} URL '{value}' cannot be resolved");
        }

        private static string ElementName(XElement e) =>
            e.Name.Namespace == XNamespace.None ? e.Name.LocalName : throw Fail(e, $"TwiML elements have no namespace: <{e.Name}>");

        private static Dictionary<string, string> Attributes(XElement e, params string[] allowed)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var attribute in e.Attributes())
            {
                if (attribute.IsNamespaceDeclaration || attribute.Name.Namespace != XNamespace.None || !allowed.Contains(attribute.Name.LocalName, StringComparer.Ordinal))
                {
                    throw Fail(e, $"attribute '{attribute.Name}' is not allowed on <{e.Name.LocalName}> (names are case-sensitive)");
                }

                result[attribute.Name.LocalName] = attribute.Value;
            }

            return result;
        }

        private static void NoChildElements(XElement e)
        {
            if (e.HasElements)
            {
                throw Fail(e, $"<{e.Name.LocalName}> may not contain other elements");
            }
        }

        private static void NoContent(XElement e)
        {
            NoChildElements(e);
            if (!string.IsNullOrWhiteSpace(e.Value))
            {
                throw Fail(e, $"<{e.Name.LocalName}> must be empty");
            }
        }

        private static string Method(XElement e, Dictionary<string, string> a, string name) =>
            Enum(e, a, name, "POST", "GET", "POST");

        private static string Enum(XElement e, Dictionary<string, string> a, string name, string fallback, params string[] values)
        {
            if (!a.TryGetValue(name, out var value))
            {
                return fallback;
            }

            return values.Contains(value, StringComparer.Ordinal)
                ? value
                : throw Fail(e, $"<{e.Name.LocalName} {name}=\"{value}\"> must be one of: {string.Join(", ", values)}");
        }

        private static HashSet<string>? SpaceList(XElement e, Dictionary<string, string> a, string name, params string[] values)
        {
            if (!a.TryGetValue(name, out var value))
            {
                return null;
            }

            var items = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (items.Length == 0 || items.Any(i => !values.Contains(i, StringComparer.Ordinal)))
            {
                throw Fail(e, $"<{e.Name.LocalName} {name}=\"{value}\"> must be a space-separated list of: {string.Join(" ", values)}");
            }

            return new HashSet<string>(items, StringComparer.Ordinal);
        }

        private static int Int(XElement e, Dictionary<string, string> a, string name, int fallback, int min, int max)
        {
            if (!a.TryGetValue(name, out var value))
            {
                return fallback;
            }

            return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                ? n
                : throw Fail(e, $"<{e.Name.LocalName} {name}=\"{value}\"> must be a whole number from {min} to {max}");
        }

        private static bool Bool(XElement e, Dictionary<string, string> a, string name, bool fallback)
        {
            if (!a.TryGetValue(name, out var value))
            {
                return fallback;
            }

            return value switch
            {
                "true" => true,
                "false" => false,
                _ => throw Fail(e, $"<{e.Name.LocalName} {name}=\"{value}\"> must be true or false"),
            };
        }

        private static string Where(XElement? e) =>
            e is IXmlLineInfo info && info.HasLineInfo() ? $"line {info.LineNumber}: " : "";

        private static InvalidTwimlException Fail(XElement? e, string message) => new(SchemaViolation, Where(e) + message);
    }

    [GeneratedRegex(@"^[a-z]{2,3}(-[A-Za-z0-9]{2,4})?$", RegexOptions.CultureInvariant)]
    private static partial Regex LanguageTag();

    [GeneratedRegex(@"^[0-9A-D#*wW]+$", RegexOptions.CultureInvariant)]
    private static partial Regex DigitsPattern();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();
}
