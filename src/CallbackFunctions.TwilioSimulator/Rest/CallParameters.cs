using System.Globalization;
using CallbackFunctions.TwilioSimulator.Calls;
using CallbackFunctions.TwilioSimulator.Support;
using Microsoft.Extensions.Primitives;

namespace CallbackFunctions.TwilioSimulator.Rest;

/// <summary>
/// Strict reading of Create Call and Update Call form bodies (TWILIO.md §1.2, §1.4, §8.2–8.4): exact PascalCase names,
/// exact enum values, documented ranges. Anything else is a 400, so the client cannot come to rely on leniency.
/// </summary>
internal static class CallParameters
{
    private static readonly string[] CreateNames =
    [
        "To", "From", "Url", "Twiml", "ApplicationSid", "Method", "FallbackUrl", "FallbackMethod", "StatusCallback", "StatusCallbackEvent",
        "StatusCallbackMethod", "Timeout", "TimeLimit", "SendDigits", "MachineDetection", "MachineDetectionTimeout",
        "MachineDetectionSpeechThreshold", "MachineDetectionSpeechEndThreshold", "MachineDetectionSilenceTimeout", "AsyncAmd",
        "AsyncAmdStatusCallback", "AsyncAmdStatusCallbackMethod", "Record", "RecordingChannels", "RecordingTrack", "Trim",
        "RecordingStatusCallback", "RecordingStatusCallbackMethod", "RecordingStatusCallbackEvent", "CallerId", "SipAuthUsername",
        "SipAuthPassword", "Byoc", "CallReason", "CallToken", "ClientNotificationUrl",
    ];

    private static readonly string[] UpdateNames =
        ["Url", "Method", "Status", "FallbackUrl", "FallbackMethod", "StatusCallback", "StatusCallbackMethod", "Twiml", "TimeLimit"];

    private static readonly string[] RepeatableNames = ["StatusCallbackEvent", "RecordingStatusCallbackEvent"];

    public static (OutboundCallSpec? Spec, TwilioError? Error) ParseCreate(IFormCollection form, SimulatorOptions options)
    {
        try
        {
            var p = new Form(form, CreateNames);
            var to = p.One("To") ?? throw Fail(TwilioError.BadRequest(TwilioError.MissingTo, "A 'To' phone number is required."));
            if (!PhoneNumbers.IsE164(to))
            {
                throw Fail(TwilioError.BadRequest(TwilioError.InvalidTo, $"The 'To' number {to} is not a valid phone number."));
            }

            var from = p.One("From") ?? throw Fail(TwilioError.BadRequest(TwilioError.MissingFrom, "A 'From' phone number is required."));
            if (!PhoneNumbers.IsE164(from))
            {
                throw Fail(TwilioError.BadRequest(TwilioError.InvalidTo, $"The 'From' number {from} is not a valid phone number."));
            }

            if (options.OwnedNumbers.Count > 0 && !options.OwnedNumbers.Contains(from))
            {
                throw Fail(TwilioError.BadRequest(TwilioError.FromNotOwned, $"The source phone number provided, {from}, is not yet verified for your account."));
            }

            var url = p.One("Url");
            var twiml = p.One("Twiml");
            var applicationSid = p.One("ApplicationSid");
            var sources = new[] { url, twiml, applicationSid }.Count(v => v is not null);
            if (sources == 0)
            {
                throw Fail(TwilioError.BadRequest(TwilioError.InvalidUrl, "One of 'Url', 'Twiml' or 'ApplicationSid' is required."));
            }

            if (sources > 1)
            {
                throw Fail(TwilioError.Parameter("Give exactly one of 'Url', 'Twiml' and 'ApplicationSid'."));
            }

            if (applicationSid is not null)
            {
                throw Fail(TwilioError.BadRequest(TwilioError.InvalidApplicationSid, $"ApplicationSid {applicationSid} is not an application of this account."));
            }

            var method = p.Method("Method");
            DocRequest source;
            if (url is not null)
            {
                source = DocRequest.Fetch(Url("Url", url, TwilioError.InvalidUrl), method);
            }
            else
            {
                source = DocRequest.Inline(Twiml(twiml!));
            }

            var fallbackUrl = p.OptionalUrl("FallbackUrl");
            var fallbackMethod = p.Method("FallbackMethod");
            var statusCallback = p.OptionalUrl("StatusCallback");
            var statusCallbackMethod = p.Method("StatusCallbackMethod");
            var events = p.Events("StatusCallbackEvent", ["initiated", "ringing", "answered", "completed"]) ?? new HashSet<string>(["completed"], StringComparer.Ordinal);
            var timeout = p.Int("Timeout", 1, 600) ?? 60;
            var timeLimit = p.Int("TimeLimit", 1, 14400);
            var sendDigits = p.One("SendDigits");
            if (sendDigits is not null && (sendDigits.Length is 0 or > 32 || sendDigits.Any(c => !"0123456789ABCD#*wW".Contains(c, StringComparison.Ordinal))))
            {
                throw Fail(TwilioError.Parameter("SendDigits allows at most 32 of 0-9 A B C D # * w W."));
            }

            var machineDetection = p.Enum("MachineDetection", "Enable", "DetectMessageEnd");
            p.Int("MachineDetectionTimeout", 3, 60);
            p.Int("MachineDetectionSpeechThreshold", 1000, 6000);
            p.Int("MachineDetectionSpeechEndThreshold", 500, 5000);
            p.Int("MachineDetectionSilenceTimeout", 2000, 10000);
            var asyncAmd = p.Bool("AsyncAmd") ?? false;
            var asyncAmdCallback = p.OptionalUrl("AsyncAmdStatusCallback");
            var asyncAmdMethod = p.Method("AsyncAmdStatusCallbackMethod");
            var record = p.Bool("Record") ?? false;
            p.Enum("RecordingChannels", "mono", "dual");
            p.Enum("RecordingTrack", "inbound", "outbound", "both");
            p.Enum("Trim", "trim-silence", "do-not-trim");
            p.OptionalUrl("RecordingStatusCallback");
            p.Method("RecordingStatusCallbackMethod");
            p.Events("RecordingStatusCallbackEvent", ["in-progress", "completed", "absent"], spaceSeparated: true);
            p.OptionalUrl("ClientNotificationUrl");
            if (p.One("CallReason") is { Length: > 50 })
            {
                throw Fail(TwilioError.Parameter("CallReason is limited to 50 characters."));
            }

            if (p.One("Byoc") is { } byoc && !Sids.IsValid(byoc, "BY"))
            {
                throw Fail(TwilioError.Parameter($"Byoc {byoc} is not a BYOC trunk SID."));
            }

            p.One("CallerId");
            p.One("SipAuthUsername");
            p.One("SipAuthPassword");
            p.One("CallToken");

            // TWILIO.md §1.2: with SendDigits, MachineDetection is ignored.
            return (new OutboundCallSpec(
                to, from, source, fallbackUrl, fallbackMethod, statusCallback, statusCallbackMethod, events, timeout, timeLimit,
                sendDigits is null ? machineDetection : null, asyncAmd, asyncAmdCallback, asyncAmdMethod, record), null);
        }
        catch (ParameterException ex)
        {
            return (null, ex.Error);
        }
    }

    public static (UpdateCallSpec? Spec, TwilioError? Error) ParseUpdate(IFormCollection form)
    {
        try
        {
            var p = new Form(form, UpdateNames);
            var status = p.Enum("Status", "canceled", "completed");
            var url = p.One("Url");
            var twiml = p.One("Twiml");
            if (url is not null && twiml is not null)
            {
                throw Fail(TwilioError.Parameter("'Url' and 'Twiml' are mutually exclusive."));
            }

            var method = p.Method("Method");
            DocRequest? redirect = url is not null ? DocRequest.Fetch(Url("Url", url, TwilioError.InvalidUrl), method)
                : twiml is not null ? DocRequest.Inline(Twiml(twiml))
                : null;
            var fallbackUrl = p.OptionalUrl("FallbackUrl");
            var fallbackMethod = p.Has("FallbackMethod") ? p.Method("FallbackMethod") : null;
            var statusCallback = p.OptionalUrl("StatusCallback");
            var statusCallbackMethod = p.Has("StatusCallbackMethod") ? p.Method("StatusCallbackMethod") : null;
            var timeLimit = p.Int("TimeLimit", 1, 14400);
            if (status is null && redirect is null && fallbackUrl is null && statusCallback is null && timeLimit is null &&
                fallbackMethod is null && statusCallbackMethod is null)
            {
                throw Fail(TwilioError.Parameter("Nothing to update: give Status, Url, Twiml or another parameter."));
            }

            return (new UpdateCallSpec(status, redirect, fallbackUrl, fallbackMethod, statusCallback, statusCallbackMethod, timeLimit), null);
        }
        catch (ParameterException ex)
        {
            return (null, ex.Error);
        }
    }

    private static string Twiml(string twiml) =>
        twiml.Length <= 4000 ? twiml : throw Fail(TwilioError.Parameter($"Twiml is limited to 4000 characters ({twiml.Length} given)."));

    /// <summary>Absolute http(s) URL whose host is a valid hostname (no '_', TWILIO.md §1.2).</summary>
    public static Uri Url(string name, string value, int code = TwilioError.InvalidParameter)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && !uri.Host.Contains('_', StringComparison.Ordinal) &&
            Uri.CheckHostName(uri.Host) != UriHostNameType.Unknown && !(value.StartsWith('/')))
        {
            return uri;
        }

        throw Fail(TwilioError.BadRequest(code, $"{name} '{value}' is not a valid absolute http(s) URL."));
    }

    private static ParameterException Fail(TwilioError error) => new(error);

    private sealed class ParameterException(TwilioError error) : Exception(error.Message)
    {
        public TwilioError Error { get; } = error;
    }

    private sealed class Form
    {
        private readonly IFormCollection form;

        public Form(IFormCollection form, string[] allowed)
        {
            this.form = form;
            foreach (var key in form.Keys)
            {
                if (!allowed.Contains(key, StringComparer.Ordinal))
                {
                    var hint = allowed.FirstOrDefault(a => a.Equals(key.Replace("_", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase));
                    throw Fail(TwilioError.Parameter(hint is null
                        ? $"Unknown parameter '{key}'."
                        : $"Unknown parameter '{key}': parameter names are PascalCase and case-sensitive ('{hint}')."));
                }

                if (form[key].Count > 1 && !RepeatableNames.Contains(key, StringComparer.Ordinal))
                {
                    throw Fail(TwilioError.Parameter($"Parameter '{key}' was given {form[key].Count} times."));
                }
            }
        }

        public bool Has(string name) => form.ContainsKey(name);

        public string? One(string name) => form.TryGetValue(name, out var values) ? values.ToString() : null;

        public string Method(string name) => Enum(name, "GET", "POST") ?? "POST";

        public string? Enum(string name, params string[] values)
        {
            var value = One(name);
            if (value is null || values.Contains(value, StringComparer.Ordinal))
            {
                return value;
            }

            throw Fail(TwilioError.Parameter($"{name} '{value}' must be one of: {string.Join(", ", values)}."));
        }

        public bool? Bool(string name) => Enum(name, "true", "false") is { } value ? value == "true" : null;

        public int? Int(string name, int min, int max)
        {
            var value = One(name);
            if (value is null)
            {
                return null;
            }

            return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                ? n
                : throw Fail(TwilioError.Parameter($"{name} '{value}' must be a whole number from {min} to {max}."));
        }

        public Uri? OptionalUrl(string name) => One(name) is { } value ? Url(name, value) : null;

        public HashSet<string>? Events(string name, string[] allowed, bool spaceSeparated = false)
        {
            if (!form.TryGetValue(name, out StringValues values))
            {
                return null;
            }

            var items = spaceSeparated
                ? values.SelectMany(v => (v ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList()
                : values.Select(v => v ?? "").ToList();
            if (items.Count == 0 || items.Any(i => !allowed.Contains(i, StringComparer.Ordinal)))
            {
                throw Fail(TwilioError.Parameter(
                    $"{name} values must be from: {string.Join(", ", allowed)}{(spaceSeparated ? "" : " (repeat the parameter for each event)")}; got '{string.Join("', '", values.ToArray())}'."));
            }

            return new HashSet<string>(items, StringComparer.Ordinal);
        }
    }
}
