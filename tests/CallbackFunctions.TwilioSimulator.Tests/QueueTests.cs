using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using CallbackFunctions.TwilioSimulator.Calls;
using CallbackFunctions.TwilioSimulator.Twiml;
using Microsoft.AspNetCore.Http;

namespace CallbackFunctions.TwilioSimulator.Tests;

/// <summary>&lt;Enqueue&gt; keeps a real queue (TWILIO.md §4): positions by entry order, moving up as calls leave.</summary>
public sealed class QueueTests
{
    private const string QueueName = "support";

    /// <summary>The waitUrl parameters (TWILIO.md §4); a request that is not to waitUrl carries none of them.</summary>
    private static readonly string[] WaitUrlParameters = ["QueuePosition", "QueueSid", "QueueTime", "AvgQueueTime", "CurrentQueueSize", "MaxQueueSize"];

    [Fact]
    public async Task Enqueue_ThreeCallers_SeePositions123_AndWhenTheFirstLeaves_TheOthersSee12()
    {
        await using var kit = await TestKit.StartAsync();
        var leaving = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        kit.App.Respond("/wait", r => Xml(leaving.ContainsKey(r["CallSid"]) ? "<Response><Leave/></Response>" : "<Response><Pause length=\"1\"/></Response>"));
        kit.App.Twiml("/left", "<Response><Say>Goodbye</Say><Hangup/></Response>");

        var first = await EnqueueCallerAsync(kit, "+15550003001");
        var firstAlone = await WaitUrlRequestAsync(kit, first, "1");
        Assert.Equal("1", firstAlone["CurrentQueueSize"]);
        Assert.Equal("1000", firstAlone["MaxQueueSize"]);
        Assert.Matches("^QU[0-9a-f]{32}$", firstAlone["QueueSid"]);

        var second = await EnqueueCallerAsync(kit, "+15550003002");
        var secondSeen = await WaitUrlRequestAsync(kit, second, "2");
        Assert.Equal("2", secondSeen["CurrentQueueSize"]);
        var third = await EnqueueCallerAsync(kit, "+15550003003");
        var thirdSeen = await WaitUrlRequestAsync(kit, third, "3");
        Assert.Equal("3", thirdSeen["CurrentQueueSize"]);
        Assert.Equal(firstAlone["QueueSid"], thirdSeen["QueueSid"]);

        // The first keeps its place while the others join behind it; the queue size it is told grows.
        var firstOfThree = await kit.App.WaitForAsync("/wait", r => r["CallSid"] == first && r["CurrentQueueSize"] == "3");
        Assert.Equal("1", firstOfThree["QueuePosition"]);

        // The first has waited longest, so the average of everyone's wait is never more than its own.
        Assert.True(Seconds(firstOfThree, "AvgQueueTime") <= Seconds(firstOfThree, "QueueTime"), $"AvgQueueTime {firstOfThree["AvgQueueTime"]} > QueueTime {firstOfThree["QueueTime"]}");

        var queue = kit.Simulator.Queue(QueueName);
        Assert.Equal([first, second, third], queue.Calls.Select(c => c.CallSid));
        Assert.Equal([1, 2, 3], queue.Calls.Select(c => c.Position));
        Assert.Equal(3, queue.CurrentSize);
        Assert.Equal(firstAlone["QueueSid"], queue.Sid);
        Assert.Equal<(string?, int?)>((QueueName, 2), Place(kit, second));

        leaving[first] = true;
        var left = await kit.App.WaitForAsync("/left", r => r["CallSid"] == first);
        Assert.Equal("leave", left["QueueResult"]);

        var secondMovedUp = await WaitUrlRequestAsync(kit, second, "1");
        Assert.Equal("2", secondMovedUp["CurrentQueueSize"]);
        var thirdMovedUp = await WaitUrlRequestAsync(kit, third, "2");
        Assert.Equal("2", thirdMovedUp["CurrentQueueSize"]);
        Assert.Equal([second, third], kit.Simulator.Queue(QueueName).Calls.Select(c => c.CallSid));
        Assert.Equal<(string?, int?)>((null, null), Place(kit, first));

        // Nobody is ever sent back: once moved up, every later request shows the new place.
        AssertNeverMovesBack(kit, second);
        AssertNeverMovesBack(kit, third);
        Assert.Equal("completed", (await kit.WaitForEndAsync(first)).Status);
        Assert.Empty(kit.Simulator.Errors);
    }

    [Fact]
    public async Task Enqueue_WhenAWaitingCallIsCompletedViaRest_TheCallBehindMovesUp_AndTheControlApiListsTheQueue()
    {
        await using var kit = await TestKit.StartAsync();
        kit.App.Twiml("/wait", "<Response><Pause length=\"1\"/></Response>");
        var first = await EnqueueCallerAsync(kit, "+15550003001");
        await WaitUrlRequestAsync(kit, first, "1");
        var second = await EnqueueCallerAsync(kit, "+15550003002");
        await WaitUrlRequestAsync(kit, second, "2");

        using (var listed = await kit.Http.GetAsync($"/sim/queues/{QueueName}"))
        {
            Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
            var calls = (await TestKit.JsonAsync(listed)).GetProperty("calls").EnumerateArray().ToList();
            Assert.Equal([first, second], calls.Select(c => c.GetProperty("callSid").GetString()));
            Assert.Equal([1, 2], calls.Select(c => c.GetProperty("position").GetInt32()));
        }

        using (var hangUp = await kit.PostFormAsync($"/2010-04-01/Accounts/{kit.AccountSid}/Calls/{first}.json", ("Status", "completed")))
        {
            Assert.Equal(HttpStatusCode.OK, hangUp.StatusCode);
        }

        Assert.Equal("completed", (await kit.WaitForEndAsync(first)).Status);
        var alone = await WaitUrlRequestAsync(kit, second, "1");
        Assert.Equal("1", alone["CurrentQueueSize"]);
        using (var listed = await kit.Http.GetAsync("/sim/queues"))
        {
            var queue = Assert.Single((await TestKit.JsonAsync(listed)).EnumerateArray());
            Assert.Equal(QueueName, queue.GetProperty("name").GetString());
            Assert.Equal([second], queue.GetProperty("calls").EnumerateArray().Select(c => c.GetProperty("callSid").GetString()));
        }

        Assert.Empty(kit.Simulator.Errors);
    }

    [Fact]
    public async Task WaitUrlGather_WhoseActionAnswersSayThenLeave_LeavesTheQueue_AndTheEnqueueActionHearsLeave()
    {
        await using var kit = await TestKit.StartAsync();
        kit.App.Twiml("/queue/wait", """<Response><Gather numDigits="1" action="press?from=wait" timeout="5"><Say>Press 1 to keep your place</Say></Gather></Response>""");
        kit.App.Twiml("/queue/press", "<Response><Say>We will call you back</Say><Leave/></Response>");
        kit.App.Twiml("/queue/left", "<Response><Say>Goodbye</Say><Hangup/></Response>");

        var call = await kit.Simulator.PlaceInboundCallAsync(new InboundCallRequest
        {
            From = TestKit.Customer,
            To = TestKit.Ours,
            Twiml = $"""<Response><Enqueue action="{kit.App.Url("/queue/left")}" waitUrl="{kit.App.Url("/queue/wait")}">{QueueName}</Enqueue></Response>""",
            Digits = "1",

            // Long enough that only the caller's key press can end the wait within the test's deadlines.
            WaitSeconds = 100_000,
        });

        var wait = await kit.App.WaitForAsync("/queue/wait");
        Assert.Equal("1", wait["QueuePosition"]);
        var press = await kit.App.WaitForAsync("/queue/press");
        Assert.Equal("1", press["Digits"]);
        Assert.Equal(kit.App.Url("/queue/press?from=wait"), press.Url);
        Assert.Equal(call.Sid, press["CallSid"]);

        // TWILIO.md §4: a Gather action request carries the standard parameters and the result, not the waitUrl's queue ones.
        Assert.Empty(press.Form.Keys.Intersect(WaitUrlParameters));
        Assert.Null(press.Get("QueueResult"));

        var left = await kit.App.WaitForAsync("/queue/left");
        Assert.True(left.Order > press.Order);
        Assert.Equal("leave", left["QueueResult"]);
        Assert.Equal(wait["QueueSid"], left["QueueSid"]);
        Assert.True(Seconds(left, "QueueTime") >= 0);
        Assert.Empty(left.Form.Keys.Intersect(["QueuePosition", "AvgQueueTime", "CurrentQueueSize", "MaxQueueSize"]));

        var ended = await kit.WaitForEndAsync(call.Sid);
        Assert.Equal("completed", ended.Status);
        Assert.Equal(["Press 1 to keep your place", "We will call you back", "Goodbye"], ended.Heard);
        Assert.Equal("1", ended.DigitsPressed);
        Assert.Null(ended.Queue);
        Assert.Empty(kit.Simulator.Queue(QueueName).Calls);
        Assert.Single(kit.App.To("/queue/wait"));
        Assert.Empty(kit.Simulator.Errors);
    }

    [Fact]
    public async Task WaitUrlGather_WhoseActionAnswersADial_IsASchemaError_BecauseItRunsAsAWaitUrlDocument()
    {
        await using var kit = await TestKit.StartAsync();
        kit.App.Twiml("/queue/wait", """<Response><Gather numDigits="1" action="/queue/press"><Say>Press 1</Say></Gather></Response>""");
        kit.App.Twiml("/queue/press", $"<Response><Dial>{TestKit.Agent}</Dial></Response>");

        var call = await kit.Simulator.PlaceInboundCallAsync(new InboundCallRequest
        {
            From = TestKit.Customer,
            To = TestKit.Ours,
            Twiml = $"""<Response><Enqueue waitUrl="{kit.App.Url("/queue/wait")}">{QueueName}</Enqueue></Response>""",
            Digits = "1",
            WaitSeconds = 100_000,
        });

        await kit.App.WaitForAsync("/queue/press");
        await kit.Simulator.WaitForCallAsync(_ => kit.Simulator.Errors.Any(e => e.CallSid == call.Sid), TimeSpan.FromSeconds(10));
        var error = Assert.Single(kit.Simulator.Errors);
        Assert.Equal(TwimlParser.SchemaViolation, error.Code);
        Assert.Contains("waitUrl", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(kit.Simulator.Calls, c => c.To == TestKit.Agent);
    }

    [Fact]
    public void AverageWait_IsTheTruncatedMeanWaitOfTheCallsWaitingNow_AndPositionsCloseUpWhenOneLeaves()
    {
        var state = new SimulatorState(CancellationToken.None);
        var t0 = new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);
        var queue = new WaitingQueue("QU" + new string('0', 32), QueueName);
        var legs = Enumerable.Range(1, 3).Select(i => new CallLeg(state, $"CA{i}", CallDirection.Inbound, TestKit.Customer, TestKit.Ours, t0)).ToList();
        queue.Members.Add(new QueueMember(legs[0], t0));
        queue.Members.Add(new QueueMember(legs[1], t0.AddSeconds(2)));
        queue.Members.Add(new QueueMember(legs[2], t0.AddSeconds(5.5)));
        var now = t0.AddSeconds(10);

        // Waits 10, 8 and 4.5 s: mean 7.5, told as 7 (whole seconds, truncated like QueueTime).
        Assert.Equal(7, queue.AverageWaitSeconds(now));
        Assert.Equal(4, WaitingQueue.WaitedSeconds(queue.Members[2], now));
        Assert.Equal([1, 2, 3], legs.Select(queue.PositionOf));

        queue.Members.RemoveAt(0);

        // Only the calls still waiting count: 8 and 4.5 s, mean 6.25.
        Assert.Equal(6, queue.AverageWaitSeconds(now));
        Assert.Equal([0, 1, 2], legs.Select(queue.PositionOf));
        Assert.Equal(0, new WaitingQueue("QU" + new string('1', 32), "empty").AverageWaitSeconds(now));
    }

    private static async Task<string> EnqueueCallerAsync(TestKit kit, string from)
    {
        var call = await kit.Simulator.PlaceInboundCallAsync(new InboundCallRequest
        {
            From = from,
            To = TestKit.Ours,
            Twiml = $"""<Response><Enqueue action="{kit.App.Url("/left")}" waitUrl="{kit.App.Url("/wait")}">{QueueName}</Enqueue></Response>""",

            // Far beyond the test's deadlines: each caller waits until the test makes it leave.
            WaitSeconds = 100_000,
        });
        return call.Sid;
    }

    private static Task<RecordedRequest> WaitUrlRequestAsync(TestKit kit, string callSid, string position) =>
        kit.App.WaitForAsync("/wait", r => r["CallSid"] == callSid && r["QueuePosition"] == position);

    private static void AssertNeverMovesBack(TestKit kit, string callSid)
    {
        var positions = kit.App.To("/wait").Where(r => r["CallSid"] == callSid).Select(r => int.Parse(r["QueuePosition"], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(positions.OrderDescending(), positions);
    }

    private static (string? Queue, int? Position) Place(TestKit kit, string callSid)
    {
        var call = kit.Simulator.Calls.Single(c => c.Sid == callSid);
        return (call.Queue, call.QueuePosition);
    }

    private static int Seconds(RecordedRequest request, string name) => int.Parse(request[name], CultureInfo.InvariantCulture);

    private static IResult Xml(string twiml) => Results.Text(twiml, "text/xml");
}
