using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.LocalRun;
using CallbackFunctions.LocalRun.Benchmarks;
using CallbackFunctions.MissedCalls;
using CallbackFunctions.Storage;
using CallbackFunctions.Tests.Support;
using CallbackFunctions.TwilioSimulator;
using Microsoft.Extensions.Logging;

namespace CallbackFunctions.Tests.Hosting;

/// <summary>
/// More wake-ups due at once than one slot works off within a lease (Twilio answers each Create Call 0.6 s late, the
/// lease is 2 s, up to 8 messages wait in memory for the one slot): each waits its turn with its lease renewed, so none is delivered a second time (a second delivery
/// would show as a delete refused for a stale pop receipt) and every callback is offered once.
/// </summary>
public sealed class PollerBacklogTests : StackTestBase
{
    private const int Callbacks = 12; // within the account's 15 lines

    protected override LocalStackOptions Configure(LocalStackOptions o) => o with
    {
        ExtraSettings = new Dictionary<string, string?> { ["Hosting:Concurrency"] = "1", ["Hosting:Lease"] = "00:00:02" },
    };

    [Fact]
    public async Task BacklogLongerThanALease_EveryCallbackIsOfferedOnce_NoMessageIsDeliveredAgain()
    {
        using var logs = new AppLogCapture();
        Stack.Service<ILoggerFactory>().AddProvider(logs);
        for (var i = 0; i < 3 * Callbacks; i++) // agents to spare: a callback whose agent did not answer takes another
        {
            var phone = $"+1415555{3000 + i}";
            Agent(phone, answer: PersonAnswer.NoAnswer);
            await Stack.PutAgentAsync($"agent{i:D2}", $"Agent {i}", phone, "support");
        }
        Stack.Simulator.SetFaults(new FaultSettings { CreateDelayMs = 600 });
        // Carrier pacing would space the calls a second apart (the default 1 call per second) and hold the slot meanwhile.
        using (var lines = await Stack.Api.PutAsync("/api/account/lines", new StringContent("{\"maxLines\":15,\"callsPerSecond\":100}", System.Text.Encoding.UTF8, "application/json")))
            lines.EnsureSuccessStatusCode();
        var service = Stack.Service<MissedCallService>();
        var due = DateTimeOffset.UtcNow.AddSeconds(4);
        var ids = new string[Callbacks];
        await Parallel.ForEachAsync(Enumerable.Range(0, Callbacks), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var now = DateTimeOffset.UtcNow;
            var callback = await service.CreateAsync(new CallbackRequest($"+1415555{2000 + i}", LocalStack.SupportNumber, "support", "CA" + Guid.NewGuid().ToString("N"),
                CallbackOrigin.IvrRequest, "test", due - now, now), ct);
            ids[i] = callback!.Id;
        });
        Assert.True(DateTimeOffset.UtcNow < due, "the callbacks were made too slowly for the test to mean anything");

        var repository = Stack.Service<CallbackRepository>();
        await Eventually.GetAsync(async () =>
        {
            var offered = 0;
            foreach (var id in ids) if ((await repository.GetAsync(id, default))!.Value.Offer >= 1) offered++;
            return offered;
        }, n => n == Callbacks, TimeSpan.FromSeconds(30), "every callback to be offered");

        Assert.Equal(0, logs.CountOf(4003) + logs.CountOf(4007)); // no refused delete, no lost lease
        foreach (var id in ids)
        {
            var callback = (await repository.GetAsync(id, default))!.Value;
            Assert.StartsWith("attempt 1: offered", callback.Timeline[1].Reason, StringComparison.Ordinal); // the first wake-up offered it
        }
    }
}
