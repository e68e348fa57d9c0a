using CallbackFunctions.Agents;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Storage;
using CallbackFunctions.Tests.Support;

namespace CallbackFunctions.Tests.EndToEnd;

/// <summary>
/// The lost wake-up: an agent freed while a due callback finds none free wakes whoever waits in the line then, which the
/// callback joins only a moment later. It must not wait for its own next look (<c>NoAgentRetry</c>, two minutes here).
/// </summary>
public sealed class FreedWhileJoiningTests : StackTestBase
{
    private const string Solo = "+14155550241";
    private const string Caller = "+14155550251";

    protected override LocalStackOptions Configure(LocalStackOptions o) =>
        o with { Intervals = "00:00:04", Expiry = TimeSpan.FromSeconds(60), NoAgentRetry = TimeSpan.FromMinutes(2) };

    [Fact]
    public async Task AnAgentFreedWhileADueCallbackFoundNone_TakesItWithinSeconds_NotAtItsNextLook()
    {
        await Stack.PutAgentAsync("solo", "Solo", Solo, "support");
        Agent(Solo, digits: "1");
        Customer(Caller, Answers());
        // Another instance's offer holds Solo (written to the store directly: this instance learns of it by reading).
        var repository = Stack.Service<AgentRepository>();
        var directory = Stack.Service<AgentDirectory>();
        var stored = (await repository.GetAsync("solo", default))!;
        Assert.NotNull(await repository.TryReplaceAsync(stored.Value.Hold("elsewhere/1"), stored.ETag, default));
        directory.Invalidate();

        await CallInAsync(Caller);
        var due = (await CallbacksAsync(Caller)).Single().DueAt!.Value;
        // Half a second before the callback is due this instance reads the agents (Solo busy), and the offer will look at
        // that read; then the other instance's call ends and frees Solo, its wake finding nobody waiting yet.
        var wait = due - TimeSpan.FromSeconds(0.5) - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        Assert.Equal("elsewhere/1", (await directory.FindAsync("solo", default))?.HeldBy);
        stored = (await repository.GetAsync("solo", default))!;
        var freed = stored.Value.Release(DateTimeOffset.UtcNow);
        Assert.NotNull(await repository.TryReplaceAsync(freed, stored.ETag, default));
        // As that instance does: it wakes whoever waits in the line now (nobody, unless this test ran late and the
        // callback has joined the line already, when this wake is what it waits for).
        await Stack.Service<WaitingCallbacks>().OfferToAsync(freed, Stack.Service<Microsoft.DurableTask.Client.DurableTaskClient>(), default);

        // Seconds, not the two minutes of its next look (on a loaded machine the offer may come after that read has
        // aged and find Solo free at once: the same outcome).
        var done = await WaitForStatusAsync(Caller, CallbackStatus.Completed, TimeSpan.FromSeconds(20));
        Assert.Single(CallsTo(Solo));
        Assert.Equal(1, done.Attempt);
    }
}
