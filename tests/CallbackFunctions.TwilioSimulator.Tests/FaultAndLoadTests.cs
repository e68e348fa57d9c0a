using System.Net;

namespace CallbackFunctions.TwilioSimulator.Tests;

public sealed class FaultAndLoadTests
{
    [Fact]
    public async Task CreatedThen500_CreatesACallThatListCallsFinds()
    {
        await using var kit = await TestKit.StartAsync();
        kit.Simulator.SetFaults(new FaultSettings { FailCreates = [new CreateFault { Kind = CreateFaultKind.CreatedThen500 }] });
        using var invalid = await kit.PostFormAsync(kit.CallsPath, ("To", "bad"), ("From", TestKit.Ours), ("Twiml", "<Response/>"));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode); // an invalid request does not use up the fault

        using var response = await kit.PostFormAsync(kit.CallsPath, ("To", TestKit.Agent), ("From", TestKit.Ours), ("Twiml", "<Response/>"));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(20500, (await TestKit.JsonAsync(response)).GetProperty("code").GetInt32());
        using var list = await kit.Http.GetAsync($"{kit.CallsPath}?To=%2B15550002000");
        var calls = (await TestKit.JsonAsync(list)).GetProperty("calls");
        Assert.Equal(1, calls.GetArrayLength());
        var sid = calls[0].GetProperty("sid").GetString()!;
        Assert.Equal("completed", (await kit.WaitForEndAsync(sid)).Status);
        Assert.Equal(1, kit.Simulator.Stats.RejectedRequests);

        // The fault was consumed: the next create succeeds.
        await kit.CreateCallAsync(("Twiml", "<Response/>"));
    }

    [Fact]
    public async Task Status429And500_RejectWithoutCreating()
    {
        await using var kit = await TestKit.StartAsync();
        kit.Simulator.SetFaults(new FaultSettings
        {
            FailCreates = [new CreateFault { Kind = CreateFaultKind.Status429, Count = 2 }, new CreateFault { Kind = CreateFaultKind.Status500 }],
        });

        var statuses = new List<(HttpStatusCode, int)>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await kit.PostFormAsync(kit.CallsPath, ("To", TestKit.Agent), ("From", TestKit.Ours), ("Twiml", "<Response/>"));
            statuses.Add((response.StatusCode, (await TestKit.JsonAsync(response)).GetProperty("code").GetInt32()));
        }

        Assert.Equal([(HttpStatusCode.TooManyRequests, 20429), (HttpStatusCode.TooManyRequests, 20429), (HttpStatusCode.InternalServerError, 20500)], statuses);
        Assert.Empty(kit.Simulator.Calls);
        Assert.Equal(3, kit.Simulator.Stats.RejectedRequests);
        await kit.CreateCallAsync(("Twiml", "<Response/>"));
    }

    [Fact]
    public async Task TimeoutFault_CreatesTheCallWhileTheClientTimesOut()
    {
        await using var kit = await TestKit.StartAsync();
        kit.Simulator.SetFaults(new FaultSettings { FailCreates = [new CreateFault { Kind = CreateFaultKind.Timeout }] });
        using var impatient = new HttpClient { BaseAddress = kit.Simulator.BaseUrl, Timeout = TimeSpan.FromSeconds(1) };
        impatient.DefaultRequestHeaders.Authorization = TestKit.Basic(kit.AccountSid, kit.Simulator.Options.AuthToken);

        await Assert.ThrowsAsync<TaskCanceledException>(() => impatient.PostAsync(
            kit.CallsPath,
            new FormUrlEncodedContent([new("To", TestKit.Agent), new("From", TestKit.Ours), new("Twiml", "<Response/>")])));

        var call = await kit.Simulator.WaitForCallAsync(c => c.To == TestKit.Agent && c.IsEnded, TimeSpan.FromSeconds(10));
        Assert.Equal("completed", call.Status);
    }

    [Fact]
    public async Task CpsLimit_SpacesReleasesFromQueued()
    {
        await using var kit = await TestKit.StartAsync(o => o.CallsPerSecond = 5);

        var queueTimes = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await kit.PostFormAsync(kit.CallsPath, ("To", TestKit.Agent), ("From", TestKit.Ours), ("Twiml", "<Response/>"));
            queueTimes.Add(long.Parse((await TestKit.JsonAsync(response)).GetProperty("queue_time").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        }

        await kit.Simulator.WaitForCallAsync(_ => kit.Simulator.Calls.Count(c => c.IsEnded) == 4, TimeSpan.FromSeconds(10));
        var released = kit.Simulator.Calls.Select(c => c.Events.Single(e => e.Status == "initiated").At).Order().ToList();
        for (var i = 1; i < released.Count; i++)
        {
            Assert.True((released[i] - released[i - 1]).TotalMilliseconds >= 180, $"releases {i - 1} and {i} only {(released[i] - released[i - 1]).TotalMilliseconds} ms apart");
        }

        Assert.True(queueTimes[3] > queueTimes[1], $"queue_time estimates should grow: {string.Join(", ", queueTimes)}");
    }

    [Fact]
    public async Task ConcurrencyCounters_CountLiveOutboundLegs()
    {
        await using var kit = await TestKit.StartAsync();
        const string other = "+15550004000";
        var hold = "<Response><Pause length=\"20\"/></Response>";

        var sids = new List<string>
        {
            await kit.CreateCallAsync(("Twiml", hold)),
            await kit.CreateCallAsync(("Twiml", hold)),
            await kit.CreateCallAsync(("To", other), ("Twiml", hold)),
        };
        await kit.Simulator.WaitForCallAsync(_ => kit.Simulator.Calls.Count(c => c.Status == "in-progress") == 3, TimeSpan.FromSeconds(10));

        var during = kit.Simulator.Stats;
        Assert.Equal(3, during.TotalCalls);
        Assert.Equal(3, during.CurrentCalls);
        Assert.Equal(3, during.MaxConcurrentCalls);
        Assert.Equal(2, during.MaxConcurrentPerNumber);
        Assert.Equal(3, during.CreateRequests);

        foreach (var sid in sids)
        {
            using var _ = await kit.PostFormAsync($"/2010-04-01/Accounts/{kit.AccountSid}/Calls/{sid}.json", ("Status", "completed"));
        }

        await kit.Simulator.WaitForCallAsync(_ => kit.Simulator.Calls.All(c => c.IsEnded), TimeSpan.FromSeconds(10));
        await kit.CreateCallAsync(("Twiml", "<Response/>"));
        await kit.Simulator.WaitForCallAsync(_ => kit.Simulator.Calls.All(c => c.IsEnded), TimeSpan.FromSeconds(10));
        var after = kit.Simulator.Stats;
        Assert.Equal(0, after.CurrentCalls);
        Assert.Equal(3, after.MaxConcurrentCalls);
        Assert.Equal(2, after.MaxConcurrentPerNumber);
        Assert.Equal(4, after.TotalCalls);
    }

    [Fact]
    public async Task Reset_ForgetsEverything()
    {
        await using var kit = await TestKit.StartAsync();
        await kit.CreateCallAsync(("Twiml", "<Response><Pause length=\"100\"/></Response>"));
        kit.Simulator.SetFaults(new FaultSettings { FailCreates = [new CreateFault { Kind = CreateFaultKind.Status500 }] });

        kit.Simulator.Reset();

        Assert.Empty(kit.Simulator.Calls);
        Assert.Equal(0, kit.Simulator.Stats.CreateRequests);
        await kit.CreateCallAsync(("Twiml", "<Response/>"));
        Assert.Single(kit.Simulator.Calls);
    }

    [Fact]
    public async Task Dispose_IsQuick_EvenWithCallsInFlight()
    {
        var kit = await TestKit.StartAsync();
        kit.Simulator.SetPerson(TestKit.Agent, PersonScript.Answers(ringSeconds: 0));
        kit.App.Respond("/slow", _ => Microsoft.AspNetCore.Http.Results.Text("<Response><Pause length=\"1000\"/></Response>", "text/xml"));
        for (var i = 0; i < 5; i++)
        {
            await kit.CreateCallAsync(("Url", kit.App.Url("/slow")));
        }

        await kit.App.WaitForCountAsync("/slow", 5);
        var clock = TimeProvider.System;
        var started = clock.GetTimestamp();
        await kit.DisposeAsync();

        Assert.True(clock.GetElapsedTime(started) < TimeSpan.FromSeconds(2), $"dispose took {clock.GetElapsedTime(started)}");
    }

    [Fact]
    public async Task Options_AreValidated()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => TwilioSimulator.StartAsync(new SimulatorOptions { AccountSid = "AC123" }));
        var owned = new SimulatorOptions();
        owned.OwnedNumbers.Add("555-1234");
        await Assert.ThrowsAsync<ArgumentException>(() => TwilioSimulator.StartAsync(owned));
        await Assert.ThrowsAsync<ArgumentException>(() => TwilioSimulator.StartAsync(new SimulatorOptions { TimeScale = -1 }));
    }
}
