using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Scheduling;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Storage;
using CallbackFunctions.Telephony;
using CallbackFunctions.Tests.Support;
using CallbackFunctions.TwilioSimulator;

namespace CallbackFunctions.Tests.EndToEnd;

/// <summary>
/// issue 15 §2, call slots, end to end: a caller phones the IVR callback node with <c>?slots=true</c> (the simulator
/// runs the app's TwiML and presses the keys), hears the next slots with room, picks one, and the callback is due at
/// its start. The slots are an hour or more ahead of the real clock, in UTC, so nothing waits for them, except in the one
/// test that waits for its slot to ring.
/// </summary>
public sealed class CallSlotTests : StackTestBase
{
    private const string Queue = "support";

    /// <summary>Defines slots at whole minutes 1, 2 and 3 hours from now (UTC), with these capacities.</summary>
    private async Task<CallSlot[]> PutSlotsAsync(params int[] capacities)
    {
        var now = TimeProvider.System.GetUtcNow();
        var first = new TimeOnly(now.Hour, now.Minute).AddHours(1);
        var slots = capacities.Select((capacity, i) => new CallSlot(first.AddHours(i), capacity)).ToArray();
        var response = await Stack.Api.PutAsJsonAsync($"/api/queues/{Queue}",
            new { slots = slots.Select(s => new { at = s.Time, capacity = s.Capacity }), timeZone = "UTC" });
        response.EnsureSuccessStatusCode();
        return slots;
    }

    /// <summary>What the app should offer now, given the places booked, and how <paramref name="caller"/> hears each.</summary>
    private (OfferedSlot Slot, string Spoken)[] Expected(CallSlot[] slots, string caller, Dictionary<SlotInstance, int>? booked = null)
    {
        var now = TimeProvider.System.GetUtcNow();
        var zones = Stack.Service<TimeZones>();
        var callerZone = zones.Find(zones.ForNumber(caller)) ?? TimeZoneInfo.Utc;
        return [.. CallSlots.Next(slots, TimeZoneInfo.Utc, now, booked ?? []).Select(o => (o, SpokenTimes.Say(o.StartsAt, callerZone, now)))];
    }

    private static string Prompt((OfferedSlot Slot, string Spoken)[] offered) =>
        $"To choose when we call you back, press 1 for {offered[0].Spoken}, 2 for {offered[1].Spoken}, or 3 for {offered[2].Spoken}.";

    /// <summary>The caller phones the IVR callback node with slots and presses <paramref name="digits"/>; returns the ended call.</summary>
    private async Task<SimulatedCall> CallAndPickAsync(string caller, string digits)
    {
        var call = await Stack.Simulator.PlaceInboundCallAsync(new InboundCallRequest
        {
            From = caller, To = LocalStack.SupportNumber, Url = $"{Stack.AppUrl}api/twilio/ivr-callback?queue={Queue}&slots=true", Digits = digits,
        });
        return await Stack.Simulator.WaitForCallAsync(c => c.Sid == call.Sid && c.EndTime is not null, TimeSpan.FromSeconds(20));
    }

    private static string PickPath(IEnumerable<OfferedSlot> offered) =>
        $"api/twilio/ivr-callback-slot?queue={Queue}&offered={Uri.EscapeDataString(string.Join(",", offered.Select(o => o.Instance)))}";

    [Fact]
    public async Task ASlotPicked_IsConfirmed_AndTheCallbackIsDueAtItsStart_AndARepeatedPickTakesNoSecondPlace()
    {
        const string caller = "+14155550701";
        var slots = await PutSlotsAsync(2, 2, 2);
        var offered = Expected(slots, caller);

        var call = await CallAndPickAsync(caller, "2");

        Assert.Contains(Prompt(offered), call.Heard);
        Assert.Contains($"Thank you. We will call you back at {offered[1].Spoken}. Goodbye.", call.Heard);
        Assert.Equal("completed", call.Status);
        var callback = await DetailAsync(Assert.Single(await CallbacksAsync(caller)).Id);
        Assert.Equal((CallbackStatus.Queued, CallbackOrigin.IvrRequest, call.Sid), (callback.Status, callback.Origin, callback.OriginalCallSid));
        Assert.Equal(offered[1].Slot.StartsAt, callback.DueAt);

        // Twilio repeats the pick: the same answer, the same callback, the same one place.
        var repeated = await SignedWebhooks.PostAsync(Stack, PickPath(offered.Select(o => o.Slot)),
            SignedWebhooks.InboundCall(caller, call.Sid, ("Digits", "2")));
        Assert.Equal(HttpStatusCode.OK, repeated.StatusCode);
        Assert.Contains($"We will call you back at {offered[1].Spoken}.", await repeated.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(callback.Id, Assert.Single(await CallbacksAsync(caller)).Id);
        Assert.Equal([call.Sid], (await Stack.Service<SlotBookingRepository>().ReadAsync(Queue, offered[1].Slot.Instance, default))!.Value);
    }

    [Fact]
    public async Task ASlotPicked_IsCalledAtItsStart()
    {
        const string caller = "+14155550709";
        const string agent = "+14155550790";
        await Stack.PutAgentAsync("a1", "One", agent, Queue);
        Agent(agent, digits: "1");
        Customer(caller, new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 0.3, TalkSeconds = 0.5 });
        // The next whole minute at least 15 s away (slots are whole minutes): the one test here that waits for its slot.
        var now = TimeProvider.System.GetUtcNow();
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(now.Second < 45 ? 1 : 2);
        var slot = new CallSlot(TimeOnly.FromDateTime(start.UtcDateTime), 1);
        (await Stack.Api.PutAsJsonAsync($"/api/queues/{Queue}", new { slots = new[] { new { at = slot.Time, capacity = 1 } }, timeZone = "UTC" })).EnsureSuccessStatusCode();

        await CallAndPickAsync(caller, "1");
        var made = await DetailAsync(Assert.Single(await CallbacksAsync(caller)).Id);
        Assert.Equal(start, made.DueAt);
        Assert.Equal(start, made.PromisedAt);

        var done = await WaitForStatusAsync(caller, CallbackStatus.Completed, TimeSpan.FromSeconds(150));
        var rang = Assert.Single(Stack.Simulator.Calls, c => c.To == agent && c.Direction != "inbound").DateCreated;
        Assert.InRange(rang, start.AddSeconds(-1.5), start.AddSeconds(10)); // Twilio's dates have whole seconds
        Assert.NotNull(done.ConnectedAt);
    }

    [Fact]
    public async Task AFullSlot_IsNotOffered_TheNextCallerHearsTheOthers()
    {
        const string first = "+14155550702", next = "+14155550703";
        var slots = await PutSlotsAsync(1, 1, 1);
        var firstOffer = Expected(slots, first);
        await CallAndPickAsync(first, "1");
        Assert.Equal(firstOffer[0].Slot.StartsAt, Assert.Single(await CallbacksAsync(first)).DueAt);

        var nextOffer = Expected(slots, next, new() { [firstOffer[0].Slot.Instance] = 1 });
        var call = await CallAndPickAsync(next, "1");

        Assert.DoesNotContain(nextOffer, o => o.Slot.Instance == firstOffer[0].Slot.Instance);
        Assert.Equal(firstOffer[1].Slot.Instance, nextOffer[0].Slot.Instance);
        Assert.Contains(Prompt(nextOffer), call.Heard);
        Assert.Equal(nextOffer[0].Slot.StartsAt, Assert.Single(await CallbacksAsync(next)).DueAt);
    }

    [Fact]
    public async Task TwoCallersRaceForTheLastPlace_OneGetsIt_TheOtherHearsItIsTaken_AndIsOfferedTheRest()
    {
        var slots = await PutSlotsAsync(1, 1, 1);
        var callers = new[] { "+14155550704", "+14155550705" };
        var offered = Expected(slots, callers[0]);
        // Both heard the same offer; both press 1 at once.
        var sids = callers.Select(_ => SignedWebhooks.NewCallSid()).ToArray();
        foreach (var (caller, sid) in callers.Zip(sids))
        {
            var offer = await (await SignedWebhooks.PostAsync(Stack, $"api/twilio/ivr-callback?queue={Queue}&slots=true", SignedWebhooks.InboundCall(caller, sid))).Content.ReadAsStringAsync();
            Assert.Contains(WebUtility.HtmlEncode(PickPath(offered.Select(o => o.Slot))), offer, StringComparison.Ordinal);
        }

        var answers = await Task.WhenAll(callers.Zip(sids).Select(async p =>
            await (await SignedWebhooks.PostAsync(Stack, PickPath(offered.Select(o => o.Slot)), SignedWebhooks.InboundCall(p.First, p.Second, ("Digits", "1"))))
                .Content.ReadAsStringAsync()));

        var won = Assert.Single(answers, a => a.Contains($"We will call you back at {offered[0].Spoken}.", StringComparison.Ordinal));
        var lost = Assert.Single(answers, a => a != won);
        Assert.Contains("Sorry, that time is no longer free.", lost, StringComparison.Ordinal);
        Assert.Contains("<Gather", lost, StringComparison.Ordinal);
        Assert.DoesNotContain(Uri.EscapeDataString(offered[0].Slot.Instance.ToString()), lost, StringComparison.Ordinal);
        var winner = callers[Array.IndexOf(answers, won)];
        Assert.Equal(offered[0].Slot.StartsAt, Assert.Single(await CallbacksAsync(winner)).DueAt);
        Assert.Empty(await CallbacksAsync(callers.Single(c => c != winner)));
        Assert.Single((await Stack.Service<SlotBookingRepository>().ReadAsync(Queue, offered[0].Slot.Instance, default))!.Value);
    }

    [Fact]
    public async Task NoKeyOrAWrongOne_HearsTheOfferOnceMore_ThenGoodbye_AndNoCallback()
    {
        const string caller = "+14155550706";
        var slots = await PutSlotsAsync(1, 1, 1);
        var offered = Expected(slots, caller);

        var call = await CallAndPickAsync(caller, "7,9");

        Assert.Contains("Sorry, that is not one of the choices.", call.Heard);
        Assert.Equal(2, call.Heard.Count(h => h == Prompt(offered)));
        Assert.Equal("Sorry, we did not get a choice. Goodbye.", call.Heard[^1]);
        Assert.Empty(await CallbacksAsync(caller));
    }

    [Fact]
    public async Task AQueueWithoutSlots_MakesACallbackAsSoonAsPossible_AndSaysWhyThereWasNoChoice()
    {
        const string caller = "+14155550707";

        var call = await CallAndPickAsync(caller, "1");

        Assert.Contains("There is no time free to choose from. Thank you. We will call you back shortly. Goodbye.", call.Heard);
        Assert.Single(await CallbacksAsync(caller));
    }

    [Theory]
    [InlineData("offered=tomorrow")]
    [InlineData("offered=2026-03-08T14%3A30&repeated=maybe")]
    [InlineData("")]
    public async Task APickWithABadUrl_HearsItCannotBeArranged_BooksNothing_AndIsNoted(string query)
    {
        var response = await SignedWebhooks.PostAsync(Stack, $"api/twilio/ivr-callback-slot?queue={Queue}&{query}",
            SignedWebhooks.InboundCall("+14155550708", SignedWebhooks.NewCallSid(), ("Digits", "1")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("cannot arrange a callback", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await CallbacksAsync());
        var notes = await Eventually.GetAsync(() => Stack.Api.GetStringAsync("/api/no-callbacks"), n => n.Contains("bad-url", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "the bad-url note");
        Assert.Contains("ivr-callback-slot", notes, StringComparison.Ordinal);
        await foreach (var _ in Stack.Service<StorageAccount>().SlotBookings.QueryAsync<Azure.Data.Tables.TableEntity>()) Assert.Fail("a place was booked");
    }
}
