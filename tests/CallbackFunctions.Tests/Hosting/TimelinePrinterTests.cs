using System.Globalization;
using System.Net;
using System.Text.Json;
using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.LocalRun;
using CallbackFunctions.MissedCalls;
using Microsoft.Extensions.Time.Testing;

namespace CallbackFunctions.Tests.Hosting;

/// <summary>
/// What <c>./run.sh</c> prints, read from the API behind a fake handler: the no-callback lines in the issue's form,
/// each printed once, in time order with the callback events; quiet while the API does not answer.
/// </summary>
public sealed class TimelinePrinterTests
{
    private static readonly DateTimeOffset Started = new(2026, 12, 6, 18, 0, 0, TimeSpan.Zero);

    /// <summary>The API as the printer reads it: a callback with its timeline, the no-callback notes, and a switch that makes it fail.</summary>
    private sealed class FakeApi : HttpMessageHandler
    {
        public List<TimelineEntry> Timeline { get; } = [];
        public List<NoCallbackView> Notes { get; } = [];
        public HttpStatusCode? CallbacksFail { get; set; }
        public HttpStatusCode? NotesFail { get; set; }
        public bool Refuse { get; set; }
        public List<string> NoteQueries { get; } = [];

        private static CallbackDetail Detail(IReadOnlyList<TimelineEntry> timeline) => new("cb-1", timeline.Count == 0 ? CallbackStatus.Queued : timeline[^1].To,
            "+14155550111", "support", "+14155550100", CallbackOrigin.MissedCall, 1, 3, Started.AddMinutes(1), Started.AddHours(1), Started, null, false, null, false,
            Started, null, null, null, null, null, null, null, null, [], [], timeline);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (Refuse) throw new HttpRequestException("Connection refused (127.0.0.1:7071)");
            var path = request.RequestUri!.AbsolutePath;
            object? body = null;
            HttpStatusCode? fail = null;
            if (path == "/api/callbacks")
            {
                fail = CallbacksFail;
                var d = Detail(Timeline);
                body = new CallbackPage([new CallbackSummary(d.Id, d.Status, d.Caller, d.Queue, d.CallerId, d.Origin, d.Attempt, d.MaxAttempts, d.DueAt, d.ExpiresAt,
                    d.CreatedAt, d.OriginalCallSid, d.WaitingForAgent, d.BoundAgent, d.PreferredAgent, d.Place, d.Comment, d.RetriesLeft, d.Contact)], null);
            }
            else if (path == "/api/callbacks/cb-1")
            {
                fail = CallbacksFail;
                body = Detail([.. Timeline]);
            }
            else if (path == "/api/no-callbacks")
            {
                fail = NotesFail;
                var query = Uri.UnescapeDataString(request.RequestUri.Query);
                NoteQueries.Add(query);
                var since = DateTimeOffset.Parse(query["?since=".Length..], CultureInfo.InvariantCulture);
                body = new NoCallbackList(since, [.. Notes.Where(n => n.At >= since).OrderBy(n => n.At)], false);
            }
            var response = fail is { } status ? new HttpResponseMessage(status)
                : body is null ? new HttpResponseMessage(HttpStatusCode.NotFound)
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(JsonSerializer.Serialize(body, TimelinePrinter.Json), System.Text.Encoding.UTF8, "application/json") };
            return Task.FromResult(response);
        }
    }

    private static NoCallbackView Note(int seconds, string caller, string code, string reason, string? callbackId = null) =>
        new($"20261206-CA{seconds:D32}-missed-call", Started.AddSeconds(seconds), "missed-call", $"CA{seconds:D32}", caller, "sales", code, reason, callbackId);

    private static TimelineEntry Event(int seconds, CallbackStatus? from, CallbackStatus to, string reason) =>
        new(Started.AddSeconds(seconds), from, to, reason, new Dictionary<string, string>());

    private static string Local(int seconds) => Started.AddSeconds(seconds).ToLocalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);

    private static (TimelinePrinter Printer, FakeApi Api, StringWriter Output) Printer()
    {
        var api = new FakeApi();
        var output = new StringWriter();
        var time = new FakeTimeProvider(Started);
        return (new TimelinePrinter(new HttpClient(api) { BaseAddress = new Uri("http://127.0.0.1:7071") }, output, time), api, output);
    }

    private static string[] Lines(StringWriter output) => output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Format_OfALostCallWithoutCallback_IsTheIssuesLine_WithTheNumberMasked()
    {
        var line = TimelinePrinter.Format(Note(1, "+14155550112", "outside-hours", "missed outside opening hours, contact-center rule v1, America/Chicago"));

        Assert.Equal($"{Local(1)}  no callback for +1415***0112: missed outside opening hours, contact-center rule v1, America/Chicago", line);
    }

    [Fact]
    public void Format_OfACallbackThatWaitsForAnUnservedQueue_NamesTheCallback()
    {
        var line = TimelinePrinter.Format(Note(2, "+14155550112", "queue-unserved", "no agent serves queue 'sales'", "cb-76308d949f64a62d1841"));

        Assert.Equal($"{Local(2)}  callback cb-76308d949f64a62d1841 for +1415***0112 waits: no agent serves queue 'sales'", line);
    }

    [Fact]
    public async Task Poll_PrintsEachNoteOnce_InTimeOrderWithTheCallbackEvents_AskingSinceItStarted()
    {
        var (printer, api, output) = Printer();
        api.Timeline.Add(Event(2, null, CallbackStatus.Queued, "missed call: caller hung up in the queue"));
        api.Notes.Add(Note(3, "+14155550113", "no-queue", "no ?queue= in the webhook URL and no Callbacks__DefaultQueue"));
        api.Notes.Add(Note(1, "anonymous", "invalid-number", "no number to call back: withheld caller ID"));

        await printer.PollAsync(CancellationToken.None);
        await printer.PollAsync(CancellationToken.None);
        api.Notes.Add(Note(4, "+14155550114", "rule-disabled", "the contact-center rule v2 is disabled"));
        await printer.PollAsync(CancellationToken.None);

        var lines = Lines(output);
        Assert.Equal(4, lines.Length);
        Assert.Equal($"{Local(1)}  no callback for ano***mous: no number to call back: withheld caller ID", lines[0]);
        Assert.Contains("cb-1  +1415***0111  support  -> Queued", lines[1], StringComparison.Ordinal);
        Assert.Equal($"{Local(3)}  no callback for +1415***0113: no ?queue= in the webhook URL and no Callbacks__DefaultQueue", lines[2]);
        Assert.Equal($"{Local(4)}  no callback for +1415***0114: the contact-center rule v2 is disabled", lines[3]);
        Assert.Equal($"?since={Started:O}", api.NoteQueries[0]);
        Assert.DoesNotContain(output.ToString(), "5550113", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_WhileTheApiDoesNotAnswer_SaysSoOnce_AndOnceWhenItIsBack_ThenPrintsWhatItMissed()
    {
        var (printer, api, output) = Printer();
        api.Refuse = true;
        for (var i = 0; i < 5; i++) Assert.True(await printer.PollAsync(CancellationToken.None));
        api.Refuse = false;
        api.NotesFail = HttpStatusCode.ServiceUnavailable; // the callbacks answer, the notes do not: nothing is taken as printed
        api.Timeline.Add(Event(2, null, CallbackStatus.Queued, "missed call: caller hung up in the queue"));
        for (var i = 0; i < 3; i++) await printer.PollAsync(CancellationToken.None);
        api.NotesFail = null;
        api.Notes.Add(Note(1, "+14155550112", "account-frozen", "the account is frozen"));

        await printer.PollAsync(CancellationToken.None);
        await printer.PollAsync(CancellationToken.None);

        var lines = Lines(output);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("(the API stopped answering: Connection refused (127.0.0.1:7071)", lines[0], StringComparison.Ordinal);
        Assert.Equal("(the API answers again)", lines[1]);
        Assert.Equal($"{Local(1)}  no callback for +1415***0112: the account is frozen", lines[2]);
        Assert.Contains("-> Queued", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_WhenCancelled_SaysNothingAndStops()
    {
        var (printer, _, output) = Printer();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        Assert.False(await printer.PollAsync(cancelled.Token));
        Assert.Empty(output.ToString());
    }
}
