using System.Text;
using System.Xml;

namespace CallbackFunctions.Twilio;

/// <summary>TwiML written with System.Xml (TWILIO.md §4): attribute and element names exactly as Twilio spells them.</summary>
public sealed class Twiml
{
    private readonly List<Action<XmlWriter>> _verbs = [];

    public Twiml Say(string text, string? voice = null, string? language = null)
    {
        _verbs.Add(w => { w.WriteStartElement("Say"); Attr(w, "voice", voice); Attr(w, "language", language); w.WriteString(text); w.WriteEndElement(); });
        return this;
    }

    /// <summary>Plays the audio file at <paramref name="media"/> (TWILIO.md §4 <c>&lt;Play&gt;</c>).</summary>
    public Twiml Play(Uri media)
    {
        _verbs.Add(w => { w.WriteStartElement("Play"); w.WriteString(media.AbsoluteUri); w.WriteEndElement(); });
        return this;
    }

    public Twiml Hangup()
    {
        _verbs.Add(w => { w.WriteStartElement("Hangup"); w.WriteEndElement(); });
        return this;
    }

    /// <summary>Gathers one digit; <paramref name="prompt"/> is said inside the Gather so a key press interrupts it.</summary>
    public Twiml GatherDigit(Uri action, string prompt, int timeoutSeconds) => GatherDigit(action, timeoutSeconds, new Twiml().Say(prompt));

    /// <summary>Gathers one digit while <paramref name="prompts"/> play inside the Gather (only Say, Play and Pause may, TWILIO.md §4).</summary>
    public Twiml GatherDigit(Uri action, int timeoutSeconds, Twiml prompts)
    {
        _verbs.Add(w =>
        {
            w.WriteStartElement("Gather");
            w.WriteAttributeString("input", "dtmf");
            w.WriteAttributeString("numDigits", "1");
            w.WriteAttributeString("timeout", timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteAttributeString("action", action.AbsoluteUri);
            w.WriteAttributeString("method", "POST");
            foreach (var verb in prompts._verbs) verb(w);
            w.WriteEndElement();
        });
        return this;
    }

    /// <summary>Dials one number from the current call; results go to <paramref name="action"/> and the number's status callback.</summary>
    public Twiml DialNumber(string number, string callerId, int timeoutSeconds, Uri action, Uri statusCallback, DialExtras? extras = null)
    {
        _verbs.Add(w =>
        {
            w.WriteStartElement("Dial");
            w.WriteAttributeString("action", action.AbsoluteUri);
            w.WriteAttributeString("method", "POST");
            w.WriteAttributeString("timeout", Math.Clamp(timeoutSeconds, 5, 600).ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteAttributeString("callerId", callerId);
            if (extras?.RecordingStatusCallback is { } recording)
            {
                // Both parties, each on its own channel, from the moment the customer answers (TWILIO.md §4 <Dial record>).
                w.WriteAttributeString("record", "record-from-answer-dual");
                w.WriteAttributeString("recordingStatusCallback", recording.AbsoluteUri);
                w.WriteAttributeString("recordingStatusCallbackMethod", "POST");
                w.WriteAttributeString("recordingStatusCallbackEvent", "completed");
            }
            w.WriteStartElement("Number");
            if (extras?.CalleeUrl is { } calleeUrl)
            {
                w.WriteAttributeString("url", calleeUrl.AbsoluteUri);
                w.WriteAttributeString("method", "POST");
            }
            Attr(w, "machineDetection", extras?.MachineDetection);
            w.WriteAttributeString("statusCallback", statusCallback.AbsoluteUri);
            w.WriteAttributeString("statusCallbackMethod", "POST");
            w.WriteAttributeString("statusCallbackEvent", "answered completed");
            w.WriteString(number);
            w.WriteEndElement();
            w.WriteEndElement();
        });
        return this;
    }

    public override string ToString()
    {
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), OmitXmlDeclaration = false, Indent = false };
        using var stream = new MemoryStream();
        using (var w = XmlWriter.Create(stream, settings))
        {
            w.WriteStartDocument();
            w.WriteStartElement("Response");
            foreach (var verb in _verbs) verb(w);
            w.WriteEndElement();
            w.WriteEndDocument();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public IResult ToResult() => Results.Text(ToString(), "application/xml", Encoding.UTF8);

    private static void Attr(XmlWriter w, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value)) w.WriteAttributeString(name, value);
    }
}

/// <summary>
/// Optional parts of a <c>&lt;Dial&gt;&lt;Number&gt;</c>: record the call (results to <see cref="RecordingStatusCallback"/>);
/// TwiML the callee hears after answering, before being connected (<see cref="CalleeUrl"/>, the <c>&lt;Number url&gt;</c>);
/// answering-machine detection on the callee (<c>Enable</c> or <c>DetectMessageEnd</c>; the verdict arrives as
/// <c>AnsweredBy</c> in the request to <see cref="CalleeUrl"/>, TWILIO.md §5).
/// </summary>
public sealed record DialExtras(Uri? RecordingStatusCallback = null, Uri? CalleeUrl = null, string? MachineDetection = null);
