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

    public Twiml Hangup()
    {
        _verbs.Add(w => { w.WriteStartElement("Hangup"); w.WriteEndElement(); });
        return this;
    }

    /// <summary>Gathers one digit; <paramref name="prompt"/> is said inside the Gather so a key press interrupts it.</summary>
    public Twiml GatherDigit(Uri action, string prompt, int timeoutSeconds)
    {
        _verbs.Add(w =>
        {
            w.WriteStartElement("Gather");
            w.WriteAttributeString("input", "dtmf");
            w.WriteAttributeString("numDigits", "1");
            w.WriteAttributeString("timeout", timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteAttributeString("action", action.AbsoluteUri);
            w.WriteAttributeString("method", "POST");
            w.WriteStartElement("Say");
            w.WriteString(prompt);
            w.WriteEndElement();
            w.WriteEndElement();
        });
        return this;
    }

    /// <summary>Dials one number from the current call; results go to <paramref name="action"/> and the number's status callback.</summary>
    public Twiml DialNumber(string number, string callerId, int timeoutSeconds, Uri action, Uri statusCallback)
    {
        _verbs.Add(w =>
        {
            w.WriteStartElement("Dial");
            w.WriteAttributeString("action", action.AbsoluteUri);
            w.WriteAttributeString("method", "POST");
            w.WriteAttributeString("timeout", Math.Clamp(timeoutSeconds, 5, 600).ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteAttributeString("callerId", callerId);
            w.WriteStartElement("Number");
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
