using System.Net.Http.Json;
using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.LocalRun;
using CallbackFunctions.TwilioSimulator;

namespace CallbackFunctions.Tests.Support;

/// <summary>A fresh local stack (the app and the simulator, on the shared Azurite, in tables of its own) per test.</summary>
public abstract class StackTestBase : IAsyncLifetime
{
    protected LocalStack Stack { get; private set; } = null!;

    protected virtual LocalStackOptions Configure(LocalStackOptions options) => options;

    public async Task InitializeAsync()
    {
        var options = Configure(new LocalStackOptions
        {
            StorageConnectionString = await SharedAzurite.ConnectionStringAsync(),
            Prefix = SharedAzurite.UniquePrefix(GetType().Name),
        });
        Stack = await LocalStack.StartAsync(options);
    }

    public async Task DisposeAsync() => await Stack.DisposeAsync();

    protected async Task<IReadOnlyList<CallbackSummary>> CallbacksAsync(string? caller = null)
    {
        var url = "/api/callbacks?pageSize=1000" + (caller is null ? "" : "&caller=" + Uri.EscapeDataString(caller));
        return (await Stack.Api.GetFromJsonAsync<CallbackPage>(url, TimelinePrinter.Json))!.Items;
    }

    protected async Task<CallbackDetail> DetailAsync(string id) =>
        (await Stack.Api.GetFromJsonAsync<CallbackDetail>($"/api/callbacks/{id}", TimelinePrinter.Json))!;

    /// <summary>A customer calls our number and their stay in the queue ends with <paramref name="outcome"/>.</summary>
    protected Task<SimulatedCall> CallInAsync(string from, QueueOutcome outcome = QueueOutcome.Hangup, string queue = "support") =>
        Stack.CallInAsync(from, outcome, queue);

    protected void Agent(string number, string digits = "1", PersonAnswer answer = PersonAnswer.Answer, double ring = 0.3, double talk = 0.5) =>
        Stack.Simulator.SetPerson(number, new PersonScript(new PersonResponse { Answer = answer, RingSeconds = ring, Digits = digits, TalkSeconds = talk }));

    protected void Customer(string number, params PersonResponse[] responses) => Stack.Simulator.SetPerson(number, new PersonScript(responses));

    /// <summary>A customer who answers after a moment and talks <paramref name="talk"/> seconds.</summary>
    protected static PersonResponse Answers(double talk = 0.5) => new() { Answer = PersonAnswer.Answer, RingSeconds = 0.3, TalkSeconds = talk };

    protected async Task SetAvailableAsync(string agentId, bool available) =>
        (await Stack.Api.PutAsJsonAsync($"/api/agents/{agentId}/availability", new { available })).EnsureSuccessStatusCode();

    /// <summary><c>POST /api/callbacks</c>, expecting <paramref name="expected"/>; a 201 names the callback it made in <c>Location</c>.</summary>
    protected async Task<CallbackDetail> ScheduleAsync(object body, System.Net.HttpStatusCode expected = System.Net.HttpStatusCode.Created)
    {
        var response = await Stack.Api.PostAsJsonAsync("/api/callbacks", body);
        Assert.True(expected == response.StatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var detail = (await response.Content.ReadFromJsonAsync<CallbackDetail>(TimelinePrinter.Json))!;
        if (expected == System.Net.HttpStatusCode.Created) Assert.Equal($"/api/callbacks/{detail.Id}", response.Headers.Location!.OriginalString);
        return detail;
    }

    /// <summary>Outbound legs the app placed to <paramref name="number"/> (agent calls, or customer legs dialled from them).</summary>
    protected IReadOnlyList<SimulatedCall> CallsTo(string number) => [.. Stack.Simulator.Calls.Where(c => c.To == number && c.Direction != "inbound")];

    /// <summary>Waits until the caller's newest callback is in <paramref name="status"/>.</summary>
    protected async Task<CallbackDetail> WaitForStatusAsync(string caller, CallbackStatus status, TimeSpan? timeout = null)
    {
        var summary = await Eventually.GetAsync(
            async () => (await CallbacksAsync(caller)).OrderByDescending(c => c.CreatedAt).FirstOrDefault(),
            c => c?.Status == status, timeout ?? TimeSpan.FromSeconds(30), $"{caller}'s callback to be {status}");
        return await DetailAsync(summary!.Id);
    }
}
