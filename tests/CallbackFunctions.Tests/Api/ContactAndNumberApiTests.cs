using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Tests.Support;

namespace CallbackFunctions.Tests.Api;

/// <summary>issue 16 §1: <c>/api/contacts</c> and <c>/api/numbers</c> over HTTP, as an operator uses them.</summary>
public sealed class ContactAndNumberApiTests : StackTestBase
{
    // Long first interval: nothing dials during these tests.
    protected override LocalStackOptions Configure(LocalStackOptions o) => o with { Intervals = "00:05:00", Expiry = TimeSpan.FromMinutes(30) };

    private async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await Stack.Api.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body)> ImportAsync(string lines, string contentType = "application/x-ndjson")
    {
        using var content = new StringContent(lines, Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        using var response = await Stack.Api.PostAsync("/api/contacts:import", content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private static string[] Strings(JsonNode? node) => [.. node!.AsArray().Select(n => n!.GetValue<string>())];

    private static string[] Errors(JsonNode? problem, string key) => Strings(problem!["errors"]![key]);

    [Fact]
    public async Task AContact_IsPutInAnyFormat_ShownInE164_FoundByIdAndNumber_Listed_AndDeleted()
    {
        var (status, put) = await SendAsync(HttpMethod.Put, "/api/contacts/ann-1",
            new { name = " Ann Example ", numbers = new[] { "(415) 555-0201", "+1 415 555 0202" }, types = new[] { "customer", "lead" }, ownershipCode = "team-a", campaign = "spring" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Ann Example", put!["name"]!.GetValue<string>());
        Assert.Equal(["+14155550201", "+14155550202"], Strings(put["numbers"]));
        Assert.Equal(["lead", "customer"], Strings(put["types"]));
        Assert.Equal("team-a", put["ownershipCode"]!.GetValue<string>());
        Assert.Equal("spring", put["campaign"]!.GetValue<string>());
        Assert.Equal("None", put["status"]!.GetValue<string>());
        Assert.Empty(put["liveCallbacks"]!.AsArray());

        var (_, got) = await SendAsync(HttpMethod.Get, "/api/contacts/ann-1");
        Assert.Equal(put.ToJsonString(), got!.ToJsonString());
        var (_, byNumber) = await SendAsync(HttpMethod.Get, "/api/contacts?number=" + Uri.EscapeDataString("+14155550202"));
        Assert.Equal("ann-1", Assert.Single(byNumber!["items"]!.AsArray())!["id"]!.GetValue<string>());
        var (_, unescapedPlus) = await SendAsync(HttpMethod.Get, "/api/contacts?number=+14155550201");
        Assert.Single(unescapedPlus!["items"]!.AsArray());
        var (_, nobody) = await SendAsync(HttpMethod.Get, "/api/contacts?number=" + Uri.EscapeDataString("(415) 555-0299"));
        Assert.Empty(nobody!["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Get, "/api/contacts?number=12")).Status);

        await SendAsync(HttpMethod.Put, "/api/contacts/bob", new { numbers = new[] { "+14155550203" }, types = new[] { "previousCustomer" } });
        var (_, list) = await SendAsync(HttpMethod.Get, "/api/contacts");
        Assert.Equal(["ann-1", "bob"], list!["items"]!.AsArray().Select(c => c!["id"]!.GetValue<string>()));
        Assert.Null(list["continuationToken"]);
        var (_, page) = await SendAsync(HttpMethod.Get, "/api/contacts?pageSize=1");
        var (_, next) = await SendAsync(HttpMethod.Get, "/api/contacts?pageSize=1&continuationToken=" + page!["continuationToken"]!.GetValue<string>());
        Assert.Equal("bob", Assert.Single(next!["items"]!.AsArray())!["id"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, "/api/contacts/ann-1")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "/api/contacts/ann-1")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Delete, "/api/contacts/ann-1")).Status);
        var (_, freed) = await SendAsync(HttpMethod.Get, "/api/contacts?number=" + Uri.EscapeDataString("+14155550202"));
        Assert.Empty(freed!["items"]!.AsArray());
    }

    [Fact]
    public async Task APut_WithEveryFieldWrong_NamesEachFieldAtOnce_AndSavesNothing()
    {
        var (status, problem) = await SendAsync(HttpMethod.Put, "/api/contacts/-bad-id",
            new
            {
                name = new string('n', 101),
                numbers = new[] { "+14155550211", "12", "(415) 555-0211" },
                types = new[] { "lead", "vip" },
                ownershipCode = "a b",
                campaign = "x/y",
            });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var errors = problem!["errors"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal);
        Assert.Equal(["campaign", "id", "name", "numbers[1]", "numbers[2]", "ownershipCode", "types[1]"], errors);
        Assert.Contains("valid phone number", Errors(problem, "numbers[1]")[0], StringComparison.Ordinal);
        Assert.Contains("same number as numbers[0]", Errors(problem, "numbers[2]")[0], StringComparison.Ordinal);
        Assert.Contains("at most 100", Errors(problem, "name")[0], StringComparison.Ordinal);
        var (_, nameTwice) = await SendAsync(HttpMethod.Put, "/api/contacts/ann", new { name = "Line\n" + new string('n', 100), numbers = new[] { "+14155550213" }, types = new[] { "lead" } });
        Assert.Equal(2, Errors(nameTwice, "name").Length);
        Assert.Empty((await SendAsync(HttpMethod.Get, "/api/contacts"))!.Body!["items"]!.AsArray());

        var (noNumbers, missing) = await SendAsync(HttpMethod.Put, "/api/contacts/ann", new { numbers = Array.Empty<string>(), types = new[] { "unknown", "lead" } });
        Assert.Equal(HttpStatusCode.BadRequest, noNumbers);
        Assert.Equal(["numbers", "types"], missing!["errors"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));

        var (unknownField, refused) = await SendAsync(HttpMethod.Put, "/api/contacts/ann", new { numbers = new[] { "+14155550212" }, types = new[] { "lead" }, nmae = "Ann" });
        Assert.Equal(HttpStatusCode.BadRequest, unknownField);
        Assert.Contains("nmae", refused!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task APut_OfANumberAnotherContactHolds_Is409NamingEachNumber_AndChangesNothing()
    {
        await SendAsync(HttpMethod.Put, "/api/contacts/ann", new { numbers = new[] { "+14155550221", "+14155550222" }, types = new[] { "lead" } });

        var (status, problem) = await SendAsync(HttpMethod.Put, "/api/contacts/bob",
            new { numbers = new[] { "+14155550223", "+14155550222", "+14155550221" }, types = new[] { "lead" } });

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal(["numbers[1]", "numbers[2]"], problem!["errors"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["already a number of contact ann"], Errors(problem, "numbers[2]"));
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "/api/contacts/bob")).Status);
        // Ann's own PUT again keeps her numbers.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, "/api/contacts/ann", new { name = "Ann", numbers = new[] { "+14155550222", "+14155550221" }, types = new[] { "lead" } })).Status);
    }

    [Fact]
    public async Task AnImport_WritesEveryLine_AndTheSameFileAgainIsHarmless()
    {
        const string file = """
            {"id":"lead-1","name":"Ann","numbers":["(415) 555-0231"],"types":["lead"],"campaign":"spring"}

            {"id":"cust-2","numbers":["+14155550232","+14155550233"],"types":["customer","previousCustomer"],"ownershipCode":"team-a"}
            {"id":"lead-3","name":null,"numbers":["+14155550234"],"types":["lead"]}
            """;

        var (status, answer) = await ImportAsync(file);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, answer!["imported"]!.GetValue<int>());
        var (again, _) = await ImportAsync(file.Replace("\n", "\r\n", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, again);

        var (_, list) = await SendAsync(HttpMethod.Get, "/api/contacts");
        Assert.Equal(["cust-2", "lead-1", "lead-3"], list!["items"]!.AsArray().Select(c => c!["id"]!.GetValue<string>()));
        var (_, ann) = await SendAsync(HttpMethod.Get, "/api/contacts?number=" + Uri.EscapeDataString("+14155550231"));
        Assert.Equal("spring", ann!["items"]![0]!["campaign"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnImport_WithTwoBadLines_NamesEachLineAndItsErrors_AndWritesNothing()
    {
        await SendAsync(HttpMethod.Put, "/api/contacts/held", new { numbers = new[] { "+14155550249" }, types = new[] { "lead" } });
        const string file = """
            {"id":"ok-1","numbers":["+14155550241"],"types":["lead"]}
            {"id":"bad-2","numbers":["12","+14155550249"],"types":["vip"]}
            {"id":"ok-3","numbers":["+14155550243"],"types":["customer"]}
            {"id":"bad-4","numbers":["+14155550241"],"types":["lead"],"colour":"red"}
            """;

        var (status, problem) = await ImportAsync(file);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["line 2", "line 4"], problem!["errors"]!.AsObject().Select(p => p.Key));
        var line2 = Errors(problem, "line 2");
        Assert.Contains(line2, e => e.StartsWith("numbers[0]: not a valid phone number", StringComparison.Ordinal));
        Assert.Contains("numbers[1]: already a number of contact held", line2);
        Assert.Contains(line2, e => e.StartsWith("types[0]:", StringComparison.Ordinal));
        Assert.Contains("colour", Assert.Single(Errors(problem, "line 4")), StringComparison.Ordinal);
        var (_, list) = await SendAsync(HttpMethod.Get, "/api/contacts");
        Assert.Equal(["held"], list!["items"]!.AsArray().Select(c => c!["id"]!.GetValue<string>()));

        // Within one file: the same id twice, the same number for two contacts.
        var (dup, duplicates) = await ImportAsync("""
            {"id":"a","numbers":["+14155550244"],"types":["lead"]}
            {"id":"b","numbers":["+14155550244"],"types":["lead"]}
            {"id":"a","numbers":["+14155550245"],"types":["lead"]}
            """);
        Assert.Equal(HttpStatusCode.BadRequest, dup);
        Assert.Equal(["numbers[0]: also a number of contact a (line 1)"], Errors(duplicates, "line 2"));
        Assert.Equal(["id: a is on line 1 too"], Errors(duplicates, "line 3"));
    }

    [Fact]
    public async Task AnImport_OverTheLimits_OrNotJsonLines_IsRefusedClearly()
    {
        var lines = string.Join("\n", Enumerable.Range(0, 1001).Select(i => $"{{\"id\":\"c{i}\",\"numbers\":[\"+1415556{i:D4}\"],\"types\":[\"lead\"]}}"));
        var (tooMany, problem) = await ImportAsync(lines);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooMany);
        Assert.Contains("at most 1,000", problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await ImportAsync("{}", "text/csv")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await ImportAsync("\n\n")).Status);
        var (notJson, broken) = await ImportAsync("{\"id\":\"a\",");
        Assert.Equal(HttpStatusCode.BadRequest, notJson);
        Assert.Single(broken!["errors"]!["line 1"]!.AsArray());
        Assert.Empty((await SendAsync(HttpMethod.Get, "/api/contacts"))!.Body!["items"]!.AsArray());
    }

    [Fact]
    public async Task OurNumbers_ArePutInAnyRouteFormat_GotListedAndDeleted_AndBadFieldsAreNamed()
    {
        var (status, put) = await SendAsync(HttpMethod.Put, "/api/numbers/" + Uri.EscapeDataString("+14155550251"), new { location = "Downtown store", adSource = "Billboard on 5th" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("+14155550251", "Downtown store", "Billboard on 5th"),
            (put!["number"]!.GetValue<string>(), put["location"]!.GetValue<string>(), put["adSource"]!.GetValue<string>()));
        await SendAsync(HttpMethod.Put, "/api/numbers/" + Uri.EscapeDataString("(415) 555-0250"), new { location = "Uptown" });

        var (_, got) = await SendAsync(HttpMethod.Get, "/api/numbers/%2B14155550251");
        Assert.Equal(put.ToJsonString(), got!.ToJsonString());
        var (_, list) = await SendAsync(HttpMethod.Get, "/api/numbers");
        Assert.Equal(["+14155550250", "+14155550251"], list!["items"]!.AsArray().Select(n => n!["number"]!.GetValue<string>()));
        Assert.Null(list["items"]![0]!["adSource"]);

        var (bad, problem) = await SendAsync(HttpMethod.Put, "/api/numbers/12", new { location = new string('l', 101), adSource = "line\nbreak" });
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Equal(["adSource", "location", "number"], problem!["errors"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, "/api/numbers/%2B14155550251")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "/api/numbers/%2B14155550251")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Delete, "/api/numbers/%2B14155550251")).Status);
    }

    [Fact]
    public async Task TheFirstContact_TurnsTheCallersLookupOn_AndTheAccountsOtherSettingsKeepIt()
    {
        var book = Stack.Service<CallbackFunctions.Rules.RuleBook>();
        // No contact yet: requests skip the lookup (no read for an account that keeps none).
        Assert.False((await book.CurrentAsync(default)).Account.LooksUpContacts);
        var (status, _) = await SendAsync(HttpMethod.Put, "/api/contacts/first", new { name = "First", numbers = new[] { "+14155550931" }, types = new[] { "lead" } });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True((await book.CurrentAsync(default)).Account.HasContacts);
        // The account's own routes keep it, and deleting every contact leaves it on (a lookup too many costs a read, never a contact).
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, "/api/account/lines", new { maxLines = 3 })).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, "/api/account/unknown-callers", new { unknownCallers = "ignore" })).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, "/api/contacts/first")).Status);
        var account = (await book.CurrentAsync(default)).Account;
        Assert.True(account.HasContacts && account.LooksUpContacts);
        Assert.Equal(3, account.MaxLines);
    }
}
