using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Tests.Support;
using CallbackFunctions.TwilioSimulator;
using CallbackFunctions.WebConsole.Tests.Support;

namespace CallbackFunctions.WebConsole.Tests;

/// <summary>
/// The callback alert in a real browser against the real alert API (issue 16's <c>/api/agents/{id}/alert</c>): the
/// scenario opens the agent's view and prints READY; the test then has a customer's call lost, so the agent's phone
/// rings while the page watches; the simulator shows what the browser's choice did.
/// </summary>
public sealed class ConsoleAlertTests : StackTestBase
{
    private const string First = "+14155550431";
    private const string Second = "+14155550432";

    // Offered a second after the lost call; the agent's phone rings 4 s of the 10 s it may, then the whisper's choice.
    protected override LocalStackOptions Configure(LocalStackOptions o) =>
        o with { Intervals = "00:00:01,00:00:02", Expiry = TimeSpan.FromMinutes(5), AgentRingTimeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task AnAcceptInTheBrowser_ConnectsTheCustomer_AndTheConsoleShowsItCompleted()
    {
        const string customer = "+14155550441";
        await Stack.PutAgentAsync("ana", "Ana", First, "support");
        Agent(First, digits: "", ring: 4, talk: 0.5); // answers, never presses a key: only the console accepts
        Customer(customer, Answers());

        await BrowserScenario.RunAsync("alert-accept", Stack.AppUrl,
            new Dictionary<string, string> { ["CONSOLE_AGENT"] = "ana", ["CONSOLE_CUSTOMER"] = customer },
            onLine: async line => { if (line.StartsWith("READY", StringComparison.Ordinal)) await CallInAsync(customer); });

        var done = await WaitForStatusAsync(customer, CallbackStatus.Completed);
        Assert.Single(CallsTo(customer));
        Assert.Equal("", Assert.Single(CallsTo(First)).DigitsPressed);
        Assert.Contains(done.Timeline, e => e.To == CallbackStatus.DialingCustomer);
    }

    [Fact]
    public async Task ARejectInTheBrowser_HandsTheCallbackToTheNextAgent()
    {
        const string customer = "+14155550442";
        await Stack.PutAgentAsync("first", "First", First, "support");
        await Task.Delay(50); // "first" has waited longest, so is offered it first
        await Stack.PutAgentAsync("second", "Second", Second, "support");
        Agent(First, digits: "", ring: 4);
        Agent(Second, digits: "1", talk: 0.5);
        Customer(customer, Answers());

        await BrowserScenario.RunAsync("alert-reject", Stack.AppUrl,
            new Dictionary<string, string> { ["CONSOLE_AGENT"] = "first" },
            onLine: async line => { if (line.StartsWith("READY", StringComparison.Ordinal)) await CallInAsync(customer); });

        var done = await WaitForStatusAsync(customer, CallbackStatus.Completed);
        Assert.Equal(["first"], done.RejectedBy);
        Assert.Contains(done.Timeline, e => e.Reason.Contains("offered to agent Second", StringComparison.Ordinal));
        Assert.Single(CallsTo(customer));
    }
}
