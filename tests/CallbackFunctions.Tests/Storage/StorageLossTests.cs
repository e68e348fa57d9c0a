using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Tests.Support;
using CallbackFunctions.TwilioSimulator;
using Microsoft.Extensions.Logging;

namespace CallbackFunctions.Tests.Storage;

/// <summary>
/// Storage goes away under a running app (Azurite stopped: the connection refused) and comes back empty (an in-memory
/// Azurite restarted on the same ports): the operator gets one line when it goes and one when it is back, management
/// routes answer 503 with Retry-After naming the dependency, health says what is wrong in an operator's words, and once
/// it is back the app re-creates its tables and task hub and makes callbacks again, without a restart.
/// </summary>
public sealed class StorageLossTests : IAsyncLifetime
{
    private const string Caller = "+14155550911";
    private const string AgentPhone = "+14155550912";
    private readonly LogCapture _logs = new();
    private Azurite _azurite = null!;
    private LocalStack _stack = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        _stack = await LocalStack.StartAsync(new LocalStackOptions
        {
            StorageConnectionString = _azurite.ConnectionString,
            Prefix = SharedAzurite.UniquePrefix("loss"),
            LogCapture = _logs,
            // Room for a loaded machine: the callback made after the outage must not expire while the app heals.
            Expiry = TimeSpan.FromMinutes(2),
        });
    }

    public async Task DisposeAsync()
    {
        await _stack.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task StorageLostAndBackEmpty_Answers503WithOneLineEachWay_ThenHealsWithoutARestart()
    {
        var (blob, queue, table) = (_azurite.BlobPort, _azurite.QueuePort, _azurite.TablePort);
        await _azurite.DisposeAsync();

        // Management routes: 503, Retry-After, problem+json naming the dependency and what is wrong with it.
        for (var i = 0; i < 5; i++)
        {
            var list = await _stack.Api.GetAsync("/api/callbacks");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, list.StatusCode);
            Assert.Equal("application/problem+json", list.Content.Headers.ContentType?.MediaType);
            Assert.True(list.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After");
            var problem = JsonDocument.Parse(await list.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("table storage", problem.GetProperty("dependency").GetString());
            Assert.Contains($"127.0.0.1:{table} refused the connection", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        var agent = await _stack.Api.PutAsJsonAsync("/api/agents/a1", new { name = "Ann", phone = AgentPhone, queues = new[] { "support" } });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, agent.StatusCode);
        var health = await _stack.Api.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        var error = JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()!;
        Assert.Contains("refused the connection", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Retry", error, StringComparison.Ordinal);

        // An in-memory Azurite restarted: storage is back, and empty.
        _azurite = await Azurite.StartAsync(queue, table, blobPort: blob);
        await Eventually.GetAsync(async () => (await _stack.Api.GetAsync("/api/health")).StatusCode, s => s == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), "health to be OK again");

        // The app works again: an agent is added and a lost call is called back, through tables and a task hub re-created.
        await Eventually.GetAsync(
            async () => (await _stack.Api.PutAsJsonAsync("/api/agents/a1", new { name = "Ann", phone = AgentPhone, queues = new[] { "support" } })).IsSuccessStatusCode,
            ok => ok, TimeSpan.FromSeconds(20), "the agent to be stored");
        _stack.Simulator.SetPerson(AgentPhone, new PersonScript(new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 0.3, Digits = "1", TalkSeconds = 0.5 }));
        _stack.Simulator.SetPerson(Caller, new PersonScript(new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 0.3, TalkSeconds = 0.5 }));
        await _stack.CallInAsync(Caller, QueueOutcome.Hangup, "support");
        var made = await Eventually.GetAsync(async () =>
        {
            var page = await _stack.Api.GetFromJsonAsync<CallbackPage>("/api/callbacks?caller=" + Uri.EscapeDataString(Caller), TimelinePrinter.Json);
            return page!.Items.FirstOrDefault();
        }, c => c?.Status.IsTerminal() == true, TimeSpan.FromSeconds(150), "the callback made after the outage to end");
        var detail = (await _stack.Api.GetFromJsonAsync<CallbackDetail>($"/api/callbacks/{made!.Id}", TimelinePrinter.Json))!;
        Assert.True(detail.Status == CallbackStatus.Completed, string.Join("\n", detail.Timeline.Select(e => $"{e.At:HH:mm:ss.fff} {e.To} {e.Reason}"))
            + "\n" + string.Join("\n", _logs.Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => e.ToString())));

        // One line when it went, one when it came back; none of the SDK's retry errors in between.
        var entries = _logs.Entries;
        Assert.Single(entries, e => e.EventId.Id == 8001);
        Assert.Single(entries, e => e.EventId.Id == 8002);
        Assert.DoesNotContain(entries, e => e.Level >= LogLevel.Error && (e.Message.Contains("Retry failed", StringComparison.Ordinal)
            || e.Exception?.Message.Contains("Retry failed", StringComparison.Ordinal) == true));
    }
}
