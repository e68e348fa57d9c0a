using System.Net;
using System.Text.Json;

namespace CallbackFunctions.TwilioSimulator.Tests;

public sealed class RestApiTests
{
    private const string Hangup = "<Response><Hangup/></Response>";

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, int code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal(code, json.GetProperty("code").GetInt32());
        Assert.Equal((int)status, json.GetProperty("status").GetInt32());
        Assert.Equal($"https://www.twilio.com/docs/errors/{code}", json.GetProperty("more_info").GetString());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("message").GetString()));
    }

    [Theory]
    [InlineData("wrong-token")]
    [InlineData("")]
    public async Task Create_WithWrongCredentials_Returns401With20003(string token)
    {
        await using var kit = await TestKit.StartAsync();
        kit.Http.DefaultRequestHeaders.Authorization = TestKit.Basic(kit.AccountSid, token);

        using var response = await kit.PostFormAsync(kit.CallsPath, ("To", TestKit.Agent), ("From", TestKit.Ours), ("Twiml", Hangup));

        await AssertErrorAsync(response, HttpStatusCode.Unauthorized, 20003);
        Assert.Empty(kit.Simulator.Calls);
        Assert.Equal(1, kit.Simulator.Stats.RejectedRequests);
    }

    [Fact]
    public async Task Requests_WithoutAuthOrForAnotherAccount_Return401()
    {
        await using var kit = await TestKit.StartAsync();
        using var anonymous = new HttpClient { BaseAddress = kit.Simulator.BaseUrl };
        using var noAuth = await anonymous.GetAsync(kit.CallsPath);
        await AssertErrorAsync(noAuth, HttpStatusCode.Unauthorized, 20003);

        using var otherAccount = await kit.Http.GetAsync("/2010-04-01/Accounts/AC00000000000000000000000000000000/Calls.json");
        await AssertErrorAsync(otherAccount, HttpStatusCode.Unauthorized, 20003);
    }

    [Fact]
    public async Task Create_WithApiKey_IsAccepted()
    {
        const string keySid = "SK0123456789abcdef0123456789abcdef";
        await using var kit = await TestKit.StartAsync(o =>
        {
            o.ApiKeySid = keySid;
            o.ApiKeySecret = "key-secret";
        });
        kit.Http.DefaultRequestHeaders.Authorization = TestKit.Basic(keySid, "key-secret");

        var sid = await kit.CreateCallAsync(("Twiml", Hangup));

        Assert.StartsWith("CA", sid, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("to")]
    [InlineData("status_callback")]
    [InlineData("IfMachine")]
    [InlineData("statusCallback")]
    [InlineData("Foo")]
    public async Task Create_WithUnknownOrMiscasedParameter_Returns400(string name)
    {
        await using var kit = await TestKit.StartAsync();

        using var response = await kit.PostFormAsync(kit.CallsPath, ("To", TestKit.Agent), ("From", TestKit.Ours), ("Twiml", Hangup), (name, "x"));

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, 20001);
        Assert.Empty(kit.Simulator.Calls);
    }

    [Theory]
    [InlineData("5550002000")]
    [InlineData("+05550002000")]
    [InlineData("+1 555 000 2000")]
    [InlineData("client:alice")]
    public async Task Create_WithInvalidTo_Returns21211(string to)
    {
        await using var kit = await TestKit.StartAsync();

        using var response = await kit.PostFormAsync(kit.CallsPath, ("To", to), ("From", TestKit.Ours), ("Twiml", Hangup));

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, 21211);
    }

    [Fact]
    public async Task Create_FromANumberNotOwned_Returns21210()
    {
        await using var kit = await TestKit.StartAsync();

        using var response = await kit.PostFormAsync(kit.CallsPath, ("To", TestKit.Agent), ("From", "+15559999999"), ("Twiml", Hangup));

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, 21210);
    }

    [Theory]
    [InlineData("Timeout", "0", 20001)]
    [InlineData("Timeout", "601", 20001)]
    [InlineData("Record", "True", 20001)]
    [InlineData("MachineDetection", "enable", 20001)]
    [InlineData("StatusCallbackEvent", "initiated ringing", 20001)]
    [InlineData("StatusCallback", "http://bad_host.example.com/cb", 20001)]
    [InlineData("Method", "PUT", 20001)]
    [InlineData("SendDigits", "12x", 20001)]
    public async Task Create_WithBadValue_Returns400(string name, string value, int code)
    {
        await using var kit = await TestKit.StartAsync();

        using var response = await kit.PostFormAsync(kit.CallsPath, ("To", TestKit.Agent), ("From", TestKit.Ours), ("Twiml", Hangup), (name, value));

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task Create_SourceRules_AreStrict()
    {
        await using var kit = await TestKit.StartAsync();

        using var none = await kit.PostFormAsync(kit.CallsPath, ("To", TestKit.Agent), ("From", TestKit.Ours));
        await AssertErrorAsync(none, HttpStatusCode.BadRequest, 21205);
        using var both = await kit.PostFormAsync(kit.CallsPath, ("To", TestKit.Agent), ("From", TestKit.Ours), ("Twiml", Hangup), ("Url", kit.App.Url("/v")));
        await AssertErrorAsync(both, HttpStatusCode.BadRequest, 20001);
        using var relative = await kit.PostFormAsync(kit.CallsPath, ("To", TestKit.Agent), ("From", TestKit.Ours), ("Url", "/voice"));
        await AssertErrorAsync(relative, HttpStatusCode.BadRequest, 21205);
        using var tooLong = await kit.PostFormAsync(kit.CallsPath, ("To", TestKit.Agent), ("From", TestKit.Ours), ("Twiml", "<Response>" + new string(' ', 4000) + "</Response>"));
        await AssertErrorAsync(tooLong, HttpStatusCode.BadRequest, 20001);
        using var missingTo = await kit.PostFormAsync(kit.CallsPath, ("From", TestKit.Ours), ("Twiml", Hangup));
        await AssertErrorAsync(missingTo, HttpStatusCode.BadRequest, 21201);
        using var json = await kit.Http.PostAsync(kit.CallsPath, new StringContent($"{{\"To\":\"{TestKit.Agent}\"}}", System.Text.Encoding.UTF8, "application/json"));
        await AssertErrorAsync(json, HttpStatusCode.BadRequest, 20001);
        Assert.Empty(kit.Simulator.Calls);
        Assert.Equal(6, kit.Simulator.Stats.CreateRequests);
        Assert.Equal(6, kit.Simulator.Stats.RejectedRequests);
    }

    [Fact]
    public async Task Create_Returns201QueuedCallResource()
    {
        await using var kit = await TestKit.StartAsync(o => o.CallsPerSecond = 1);

        using var response = await kit.PostFormAsync(kit.CallsPath, ("To", TestKit.Agent), ("From", TestKit.Ours), ("Twiml", Hangup));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var call = await TestKit.JsonAsync(response);
        var sid = call.GetProperty("sid").GetString()!;
        Assert.Matches("^CA[0-9a-f]{32}$", sid);
        Assert.Equal("queued", call.GetProperty("status").GetString());
        Assert.Equal("outbound-api", call.GetProperty("direction").GetString());
        Assert.Equal(kit.AccountSid, call.GetProperty("account_sid").GetString());
        Assert.Equal(TestKit.Agent, call.GetProperty("to").GetString());
        Assert.Equal("(555) 000-2000", call.GetProperty("to_formatted").GetString());
        Assert.Equal(JsonValueKind.String, call.GetProperty("queue_time").ValueKind);
        Assert.Equal(JsonValueKind.Null, call.GetProperty("duration").ValueKind);
        Assert.Equal(JsonValueKind.Null, call.GetProperty("parent_call_sid").ValueKind);
        Assert.Equal($"/2010-04-01/Accounts/{kit.AccountSid}/Calls/{sid}.json", call.GetProperty("uri").GetString());
        Assert.Matches(@"^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$", call.GetProperty("date_created").GetString()!);
        Assert.True(call.GetProperty("subresource_uris").TryGetProperty("recordings", out _));
    }

    [Fact]
    public async Task UnknownRoutesAndSids_Return404With20404()
    {
        await using var kit = await TestKit.StartAsync();

        using var unknownSid = await kit.Http.GetAsync($"/2010-04-01/Accounts/{kit.AccountSid}/Calls/CA00000000000000000000000000000000.json");
        await AssertErrorAsync(unknownSid, HttpStatusCode.NotFound, 20404);
        using var unknownRoute = await kit.Http.GetAsync($"/2010-04-01/Accounts/{kit.AccountSid}/Queues.json");
        await AssertErrorAsync(unknownRoute, HttpStatusCode.NotFound, 20404);
        using var outside = await kit.Http.GetAsync("/nothing/here");
        await AssertErrorAsync(outside, HttpStatusCode.NotFound, 20404);
    }

    [Fact]
    public async Task Fetch_FollowsTheLifecycle_AndUpdateOfEndedCallReturns21220()
    {
        await using var kit = await TestKit.StartAsync();
        var sid = await kit.CreateCallAsync(("Twiml", "<Response><Say>Hi</Say></Response>"));
        var ended = await kit.WaitForEndAsync(sid);
        Assert.Equal("completed", ended.Status);
        Assert.Equal(["queued", "initiated", "ringing", "in-progress", "completed"], ended.Events.Select(e => e.Status));

        using var fetched = await kit.Http.GetAsync($"/2010-04-01/Accounts/{kit.AccountSid}/Calls/{sid}.json");
        var call = await TestKit.JsonAsync(fetched);
        Assert.Equal("completed", call.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.String, call.GetProperty("duration").ValueKind);
        Assert.Equal(JsonValueKind.String, call.GetProperty("end_time").ValueKind);

        using var update = await kit.PostFormAsync($"/2010-04-01/Accounts/{kit.AccountSid}/Calls/{sid}.json", ("Status", "completed"));
        await AssertErrorAsync(update, HttpStatusCode.BadRequest, 21220);
    }

    [Fact]
    public async Task Update_Canceled_LeavesAnInProgressCallAlone_ButCompletedHangsItUp()
    {
        await using var kit = await TestKit.StartAsync();
        var sid = await kit.CreateCallAsync(("Twiml", "<Response><Pause length=\"600\"/></Response>"));
        await kit.Simulator.WaitForCallAsync(c => c.Sid == sid && c.Status == "in-progress", TimeSpan.FromSeconds(10));
        var path = $"/2010-04-01/Accounts/{kit.AccountSid}/Calls/{sid}.json";

        using var cancel = await kit.PostFormAsync(path, ("Status", "canceled"));
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("in-progress", (await TestKit.JsonAsync(cancel)).GetProperty("status").GetString());

        using var badStatus = await kit.PostFormAsync(path, ("Status", "cancelled"));
        await AssertErrorAsync(badStatus, HttpStatusCode.BadRequest, 20001);

        using var complete = await kit.PostFormAsync(path, ("Status", "completed"));
        Assert.Equal("completed", (await TestKit.JsonAsync(complete)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Update_Canceled_CancelsARingingCall()
    {
        await using var kit = await TestKit.StartAsync();
        kit.Simulator.SetPerson(TestKit.Agent, new PersonScript(new PersonResponse { RingSeconds = 100 }));
        var sid = await kit.CreateCallAsync(("Twiml", Hangup), ("Timeout", "600"), ("StatusCallback", kit.App.Url("/status")));
        await kit.Simulator.WaitForCallAsync(c => c.Sid == sid && c.Status == "ringing", TimeSpan.FromSeconds(10));

        using var cancel = await kit.PostFormAsync($"/2010-04-01/Accounts/{kit.AccountSid}/Calls/{sid}.json", ("Status", "canceled"));

        Assert.Equal("canceled", (await TestKit.JsonAsync(cancel)).GetProperty("status").GetString());
        var callback = await kit.App.WaitForAsync("/status");
        Assert.Equal("canceled", callback["CallStatus"]);
    }

    [Fact]
    public async Task Update_Url_RedirectsALiveCall()
    {
        await using var kit = await TestKit.StartAsync();
        kit.App.Twiml("/hold", "<Response><Pause length=\"600\"/></Response>");
        kit.App.Twiml("/moved", "<Response><Say>Moved</Say></Response>");
        var sid = await kit.CreateCallAsync(("Url", kit.App.Url("/hold")));
        await kit.App.WaitForAsync("/hold");

        using var update = await kit.PostFormAsync($"/2010-04-01/Accounts/{kit.AccountSid}/Calls/{sid}.json", ("Url", kit.App.Url("/moved")));

        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        var ended = await kit.WaitForEndAsync(sid);
        Assert.Equal(["Moved"], ended.Heard);
        Assert.Equal("completed", ended.Status);
    }

    [Fact]
    public async Task List_FiltersAndPages_WithNextPageUri()
    {
        await using var kit = await TestKit.StartAsync();
        var sids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            sids.Add(await kit.CreateCallAsync(("Twiml", Hangup)));
        }

        await kit.CreateCallAsync(("To", TestKit.Customer), ("Twiml", Hangup));

        using var first = await kit.Http.GetAsync($"{kit.CallsPath}?To=%2B15550002000&PageSize=2");
        var page = await TestKit.JsonAsync(first);
        Assert.Equal(2, page.GetProperty("calls").GetArrayLength());
        Assert.Equal(0, page.GetProperty("page").GetInt32());
        Assert.Equal(2, page.GetProperty("page_size").GetInt32());
        var seen = page.GetProperty("calls").EnumerateArray().Select(c => c.GetProperty("sid").GetString()!).ToList();
        var next = page.GetProperty("next_page_uri").GetString();
        while (next is not null)
        {
            using var response = await kit.Http.GetAsync(next);
            var body = await TestKit.JsonAsync(response);
            seen.AddRange(body.GetProperty("calls").EnumerateArray().Select(c => c.GetProperty("sid").GetString()!));
            next = body.GetProperty("next_page_uri").ValueKind == JsonValueKind.Null ? null : body.GetProperty("next_page_uri").GetString();
        }

        Assert.Equal(Enumerable.Reverse(sids), seen);

        var today = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await kit.Simulator.WaitForCallAsync(c => c.To == TestKit.Customer && c.StartTime is not null, TimeSpan.FromSeconds(10));
        using var byDateAgain = await kit.Http.GetAsync($"{kit.CallsPath}?StartTime%3E={today}&To=%2B15550003000");
        Assert.Equal(1, (await TestKit.JsonAsync(byDateAgain)).GetProperty("calls").GetArrayLength());

        using var badFilter = await kit.Http.GetAsync($"{kit.CallsPath}?status=completed");
        await AssertErrorAsync(badFilter, HttpStatusCode.BadRequest, 20001);
        using var badStatus = await kit.Http.GetAsync($"{kit.CallsPath}?Status=initiated");
        await AssertErrorAsync(badStatus, HttpStatusCode.BadRequest, 20001);
        using var badSize = await kit.Http.GetAsync($"{kit.CallsPath}?PageSize=1001");
        await AssertErrorAsync(badSize, HttpStatusCode.BadRequest, 20001);
    }

    [Fact]
    public async Task Record_CreatesARecording_InTheCompletedCallbackAndDeletable()
    {
        await using var kit = await TestKit.StartAsync();
        var sid = await kit.CreateCallAsync(("Twiml", "<Response><Pause/></Response>"), ("Record", "true"), ("StatusCallback", kit.App.Url("/status")));

        var callback = await kit.App.WaitForAsync("/status");
        var recordingSid = callback["RecordingSid"];
        Assert.Matches("^RE[0-9a-f]{32}$", recordingSid);
        Assert.EndsWith($"/Recordings/{recordingSid}", callback["RecordingUrl"], StringComparison.Ordinal);
        Assert.Equal(sid, Assert.Single(kit.Simulator.Recordings).CallSid);

        using var deleted = await kit.Http.DeleteAsync($"/2010-04-01/Accounts/{kit.AccountSid}/Recordings/{recordingSid}.json");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.True(Assert.Single(kit.Simulator.Recordings).Deleted);
        using var again = await kit.Http.DeleteAsync($"/2010-04-01/Accounts/{kit.AccountSid}/Recordings/{recordingSid}.json");
        await AssertErrorAsync(again, HttpStatusCode.NotFound, 20404);
    }
    [Fact]
    public async Task Update_CanceledWhileQueued_FiresNoStatusCallback()
    {
        await using var kit = await TestKit.StartAsync(o => o.CallsPerSecond = 0.5);
        await kit.CreateCallAsync(("Twiml", Hangup));
        var queued = await kit.CreateCallAsync(("Twiml", Hangup), ("StatusCallback", kit.App.Url("/status")));

        using var cancel = await kit.PostFormAsync($"/2010-04-01/Accounts/{kit.AccountSid}/Calls/{queued}.json", ("Status", "canceled"));

        Assert.Equal("canceled", (await TestKit.JsonAsync(cancel)).GetProperty("status").GetString());
        var first = await kit.Simulator.WaitForCallAsync(c => c.Sid != queued && c.IsEnded, TimeSpan.FromSeconds(10));
        Assert.Equal("completed", first.Status);
        Assert.Equal(["queued", "canceled"], kit.Simulator.Calls.Single(c => c.Sid == queued).Events.Select(e => e.Status));
        Assert.Empty(kit.App.To("/status"));
    }
}
