using System.Net;
using System.Net.Http.Json;
using System.Text;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Tests.Support;
using Xunit.Abstractions;

namespace CallbackFunctions.Tests.Api;

/// <summary>
/// A seeded corpus of generated bad requests against every route: wrong types, missing and extra fields, oversized
/// values and bodies, too many keys, broken multipart, invalid UTF-8, control characters, injection-shaped strings,
/// wrong content types and methods, bad ids and query parameters, huge headers. None may answer 5xx or hang, and none
/// may change what the API shows. A failure names the seed and the request: <c>CORPUS_SEED=n</c> replays it.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class BadInputCorpusTests(ITestOutputHelper output) : StackTestBase
{
    private const int Count = 1200;
    private static readonly TimeSpan PerRequest = TimeSpan.FromSeconds(15);

    protected override LocalStackOptions Configure(LocalStackOptions o) => o with { Intervals = "00:05:00", Expiry = TimeSpan.FromMinutes(30) };

    private sealed record Bad(string What, Func<HttpRequestMessage> Make);

    [Fact]
    public async Task SeededBadRequests_AcrossEveryRoute_NeverAnswer5xx_NeverHang_AndChangeNothing()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("CORPUS_SEED"), out var s) ? s : 20261129;
        // Some state to keep: an agent, a rule version, a live callback, a contact, one of our numbers.
        await Stack.PutAgentAsync("keep", "Keep", "+14155550961", "support");
        await SignedWebhooks.PostAsync(Stack, "api/twilio/missed-call?queue=support",
            SignedWebhooks.InboundCall("+14155550962", SignedWebhooks.NewCallSid(), ("QueueResult", "hangup")));
        var callbackId = Assert.Single(await CallbacksAsync()).Id;
        (await Stack.Api.PutAsJsonAsync("/api/contacts/keep", new { name = "Keep", numbers = new[] { "+14155550963" }, types = new[] { "customer" } })).EnsureSuccessStatusCode();
        (await Stack.Api.PutAsJsonAsync("/api/numbers/%2B14155550964", new { location = "Keep" })).EnsureSuccessStatusCode();
        var before = await SnapshotAsync();

        var corpus = new Corpus(new Random(seed), Stack, callbackId);
        var statuses = new Dictionary<int, int>();
        using var client = new HttpClient { BaseAddress = Stack.AppUrl, Timeout = PerRequest };
        for (var i = 0; i < Count; i++)
        {
            var bad = corpus.Next();
            using var request = bad.Make();
            HttpResponseMessage response;
            try
            {
                response = await client.SendAsync(request);
            }
            catch (TaskCanceledException)
            {
                Assert.Fail($"request {i} (seed {seed}) got no answer within {PerRequest.TotalSeconds} s: {bad.What}");
                throw;
            }
            catch (HttpRequestException e)
            {
                // The server may close the connection on a request it refuses outright (e.g. headers far too large).
                statuses[-1] = statuses.GetValueOrDefault(-1) + 1;
                output.WriteLine($"{i}: connection closed ({e.Message}): {bad.What}");
                continue;
            }
            using (response)
            {
                var status = (int)response.StatusCode;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                Assert.True(status < 500, $"request {i} (seed {seed}) answered {status}: {bad.What}\n{await response.Content.ReadAsStringAsync()}");
            }
        }

        output.WriteLine($"seed {seed}: " + string.Join(", ", statuses.OrderBy(p => p.Key).Select(p => $"{p.Key} x{p.Value}")));
        Assert.Equal(before, await SnapshotAsync());
    }

    /// <summary>Everything the API shows that a request could change.</summary>
    private async Task<string> SnapshotAsync()
    {
        var parts = new List<string>();
        foreach (var path in new[] { "/api/agents", "/api/rules", "/api/account", "/api/callbacks?pageSize=1000", "/api/queues", "/api/contacts", "/api/numbers" })
            parts.Add(path + " " + await Stack.Api.GetStringAsync(path));
        parts.Add("spool " + Stack.Service<CallbackFunctions.Spool.WebhookSpool>().Count);
        // Queue settings are read by name: every saved one, whatever its name.
        var saved = new List<string>();
        await foreach (var row in Stack.Service<CallbackFunctions.Storage.StorageAccount>().QueueSettings.QueryAsync<Azure.Data.Tables.TableEntity>())
            saved.Add(row.RowKey + " " + row.ETag);
        parts.Add("queue settings " + string.Join(",", saved));
        var booked = new List<string>();
        await foreach (var row in Stack.Service<CallbackFunctions.Storage.StorageAccount>().SlotBookings.QueryAsync<Azure.Data.Tables.TableEntity>())
            booked.Add(row.PartitionKey + "/" + row.RowKey + " " + row.ETag);
        parts.Add("slot bookings " + string.Join(",", booked));
        return string.Join("\n", parts);
    }

    /// <summary>Generates bad requests, each invalid by construction (so a correct app changes nothing).</summary>
    private sealed class Corpus(Random random, LocalStack stack, string callbackId)
    {
        private static readonly string[] Nasty =
        [
            "", " ", "\0", "\u0001\u0002", "line\nbreak", "tab\there", "'; DROP TABLE agents; --", "\" OR 1=1 --", "<script>alert(1)</script>",
            "../../etc/passwd", "%00", "%2F%2E%2E", "a/b", "a\\b", "a#b", "a?b", "{{7*7}}", "${jndi:ldap://x}", "\uD800", "\uFFFF", "😀😀😀",
            "RTL\u202Etxt", new string('x', 300), new string('9', 70_000), "null", "true", "-1", "1e400", "NaN",
        ];

        private static readonly string[] TwilioRoutes =
            ["missed-call", "ivr-callback", "ivr-callback-slot", "queue-wait", "queue-wait-choice", "agent-answer", "agent-status", "dial-result", "customer-notice", "recording-status"];

        private static readonly (string Method, string Path)[] ManagementRoutes =
        [
            ("GET", "/api/agents"), ("GET", "/api/agents/{id}"), ("PUT", "/api/agents/{id}"), ("DELETE", "/api/agents/{id}"),
            ("PUT", "/api/agents/{id}/availability"), ("GET", "/api/callbacks"), ("GET", "/api/callbacks/{id}"),
            ("POST", "/api/callbacks/{id}/cancel"), ("POST", "/api/callbacks/{id}/call-now"), ("POST", "/api/callbacks/manual-dial"),
            ("GET", "/api/rules"), ("GET", "/api/rules/{kind}"), ("GET", "/api/rules/{kind}/versions"), ("PUT", "/api/rules/{kind}"), ("GET", "/api/account"),
            ("PUT", "/api/account/lines"), ("PUT", "/api/account/unknown-callers"), ("GET", "/api/queues"), ("DELETE", "/api/queues/{name}"), ("GET", "/api/recordings"),
            ("GET", "/api/no-callbacks"), ("GET", "/api/poison-messages"), ("GET", "/api/health"), ("GET", "/api/openapi.json"), ("GET", "/api/docs"),
            ("PATCH", "/api/callbacks/{id}"), ("DELETE", "/api/callbacks/{id}"), ("GET", "/api/agents/{id}/callbacks"),
            ("GET", "/api/queues/{name}"), ("PUT", "/api/queues/{name}"), ("PATCH", "/api/queues/{name}"), ("POST", "/api/callbacks"),
            ("GET", "/api/queues/{name}/stats"),
            ("GET", "/api/contacts"), ("GET", "/api/contacts/{id}"), ("PUT", "/api/contacts/{id}"), ("DELETE", "/api/contacts/{id}"),
            ("POST", "/api/contacts:import"), ("GET", "/api/numbers"), ("GET", "/api/numbers/{number}"), ("PUT", "/api/numbers/{number}"),
            ("DELETE", "/api/numbers/{number}"),
            ("GET", "/api/agents/{id}/alert"), ("POST", "/api/agents/{id}/alert/accept"), ("POST", "/api/agents/{id}/alert/reject"),
            ("GET", "/console"), ("GET", "/console/{path}"),
        ];

        private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
        private string NastyText() => Pick(Nasty);

        /// <summary>A value of the wrong JSON type, or a nasty string.</summary>
        private string WrongJson() => Pick(["123", "-5", "1.5e300", "true", "null", "[]", "[1,2]", "{}", "{\"a\":{\"b\":[]}}",
            JsonString(NastyText()), "\"" + new string('z', 5000) + "\""]);

        private static string JsonString(string text) => System.Text.Json.JsonSerializer.Serialize(text);

        public Bad Next() => random.Next(10) switch
        {
            < 4 => Twilio(),
            < 9 => Management(),
            _ => Anywhere(),
        };

        // ---- Twilio routes: signed where the defect is in what the signature covers, so the handler's own checks are reached.

        private Bad Twilio()
        {
            var route = Pick(TwilioRoutes);
            return random.Next(8) switch
            {
                0 => new($"{route}: wrong content type", () => Raw(HttpMethod.Post, $"/api/twilio/{route}", Pick(["{\"From\":\"+1\"}", "<xml/>", "From=1"]),
                    Pick(["application/json", "text/plain", "application/xml", "image/png", "application/x-www-form-urlencoded; charset=x-nope"]))),
                1 => new($"{route}: oversized form", () => Raw(HttpMethod.Post, $"/api/twilio/{route}", "From=" + new string('1', random.Next(70_000, 3_000_000)),
                    "application/x-www-form-urlencoded")),
                2 => new($"{route}: {3000} keys", () => Raw(HttpMethod.Post, $"/api/twilio/{route}",
                    string.Join("&", Enumerable.Range(0, 3000).Select(k => $"k{k}=v")), "application/x-www-form-urlencoded")),
                3 => new($"{route}: broken multipart", () => Raw(HttpMethod.Post, $"/api/twilio/{route}",
                    Pick(["--b\r\nContent-Disposition: form-data; name=\"From\"\r\n\r\n+1415", "garbage", "--b--"]),
                    Pick(["multipart/form-data; boundary=b", "multipart/form-data"]))),
                4 => new($"{route}: invalid UTF-8 form", () => RawBytes(HttpMethod.Post, $"/api/twilio/{route}",
                    [.. "From="u8, 0xC3, 0x28, 0xFF, .. "&CallSid=CA1"u8], "application/x-www-form-urlencoded")),
                5 => new($"{route}: wrong method", () => Raw(Pick([HttpMethod.Get, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch]), $"/api/twilio/{route}", null, null)),
                _ => SignedNonsense(route),
            };
        }

        /// <summary>A signed webhook whose parameters are wrong: an invalid caller, bad ids, unknown statuses, nasty text.</summary>
        private Bad SignedNonsense(string route)
        {
            var query = route switch
            {
                // A lost call must make no callback: its queue or its caller is invalid.
                "missed-call" => random.Next(3) switch
                {
                    0 => $"queue={Uri.EscapeDataString(NastyText() + "/")}",
                    1 => $"queue=support&agent={Uri.EscapeDataString(NastyText() + "#")}&lostIn={Uri.EscapeDataString(Pick(["lobby", NastyText()]))}",
                    _ => "queue=support",
                },
                "ivr-callback" => $"queue={Uri.EscapeDataString(Pick(["support", NastyText() + "#"]))}&delayMinutes={Uri.EscapeDataString(Pick(["-1", "x", "99999999", "1.5", ""]))}",
                // A slot pick must book nothing: what it says was offered is no slot instance.
                "ivr-callback-slot" => $"queue={Uri.EscapeDataString(Pick(["support", NastyText() + "#"]))}&offered=" +
                    Uri.EscapeDataString(Pick(["", "tomorrow", "2026-13-01T10:00", "2026-03-08T14:30,", "2026-03-08 14:30", NastyText() + ",2026-03-08T14:30",
                        string.Join(",", Enumerable.Repeat("2026-03-08T14:30", 10))])) + $"&repeated={Uri.EscapeDataString(Pick(["true", "false", "maybe"]))}",
                // A waiting caller's TwiML changes nothing; a press of 1 must make no callback: its queue, entered or caller is invalid.
                "queue-wait" => $"queue={Uri.EscapeDataString(Pick(["support", NastyText() + "#"]))}",
                "queue-wait-choice" => $"queue={Uri.EscapeDataString(Pick(["support", NastyText() + "#"]))}&entered={Uri.EscapeDataString(Pick(["", "x", "-5", "99999999999", "1.5", NastyText()]))}",
                _ => $"callbackId={Uri.EscapeDataString(Pick([NastyText(), "cb-doesnotexist", callbackId + "\n"]))}" +
                     $"&offer={Uri.EscapeDataString(Pick(["1", "-1", "x", "99999999999", ""]))}&attempt={Uri.EscapeDataString(Pick(["1", "0", "y", ""]))}",
            };
            var form = new Dictionary<string, string>
            {
                ["CallSid"] = Pick(["CA" + Guid.NewGuid().ToString("N"), NastyText()]),
                ["From"] = Pick(["anonymous", "12", "+266696687", "'; DROP TABLE", "<script>", "", "\u0000"]),
                ["To"] = Pick([LocalStack.SupportNumber, NastyText()]),
                ["CallStatus"] = Pick(["in-progress", "completed", "exploded", NastyText()]),
            };
            foreach (var name in Pick(new[] { new[] { "QueueResult" }, ["DialCallStatus"], ["Digits"], ["AnsweredBy"], ["RecordingSid", "RecordingStatus", "RecordingUrl"], [] }))
                form[name] = Pick(["hangup", "bridged", "completed", "1", "machine_start", NastyText(), "RE" + new string('0', 32)]);
            var path = $"api/twilio/{route}?{query}";
            return new($"signed {route}?{query} with {string.Join("&", form.Select(p => $"{p.Key}={Shorten(p.Value)}"))}", () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
                request.Headers.Add("X-Twilio-Signature",
                    CallbackFunctions.TwilioSimulator.TwilioSignature.Compute(stack.Simulator.Options.AuthToken, stack.AppUrl + path, form));
                return request;
            });
        }

        // ---- Management routes.

        private Bad Management()
        {
            var (method, template) = Pick(ManagementRoutes);
            var hasBody = method is "PUT" or "PATCH" || template.EndsWith("manual-dial", StringComparison.Ordinal) || (method, template) == ("POST", "/api/callbacks")
                || template.EndsWith(":import", StringComparison.Ordinal) || template.Contains("/alert/", StringComparison.Ordinal);
            var path = Fill(template, bad: !hasBody || random.Next(3) == 0);
            return random.Next(hasBody ? 9 : 4) switch
            {
                0 => new($"{method} {path}", () => Raw(new HttpMethod(method), path, null, null)),
                1 => new($"wrong method on {template}", () => Raw(new HttpMethod(Pick([.. new[] { "PATCH", "OPTIONS", "POST", "GET" }
                    .Where(m => !ManagementRoutes.Contains((m, template)))])), Fill(template, bad: false), "{}", "application/json")),
                2 => new($"{method} {template} with bad query", () => Raw(new HttpMethod(method), Fill(template, bad: true) + "?" + BadQuery(), null, null)),
                3 => new($"{method} {template} with a huge header", () =>
                {
                    var request = Raw(new HttpMethod(method), Fill(template, bad: true), null, null);
                    request.Headers.TryAddWithoutValidation("X-Junk", new string('h', random.Next(40_000, 200_000)));
                    return request;
                }),
                4 => new($"{method} {path}: wrong content type", () => Raw(new HttpMethod(method), path, Body(template, defect: false),
                    Pick(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "application/json; charset=x-nope"]))),
                5 => new($"{method} {path}: malformed JSON", () => Raw(new HttpMethod(method), path, Truncate(Body(template, defect: false)), "application/json")),
                6 => new($"{method} {path}: invalid UTF-8", () => RawBytes(new HttpMethod(method), path, [.. "{\"name\":\""u8, 0xC3, 0x28, 0xFE, .. "\"}"u8], "application/json")),
                7 => new($"{method} {path}: oversized body", () => Raw(new HttpMethod(method), path,
                    "{\"name\":\"" + new string('n', random.Next(300_000, 2_000_000)) + "\"}", "application/json")),
                _ => Defective(method, template),
            };
        }

        /// <summary>A well-formed JSON body with a defect: an unknown field, a wrong type, a missing required field, a bad value.</summary>
        private Bad Defective(string method, string template)
        {
            var path = Fill(template, bad: false);
            var body = Body(template, defect: true);
            return new($"{method} {path} {Shorten(body)}", () => Raw(new HttpMethod(method), path, body, "application/json"));
        }

        private string Body(string template, bool defect)
        {
            // A field map per route; a defect is one of: an unknown field, a wrong type, a bad value, a missing required field.
            var fields = template switch
            {
                "/api/agents/{id}" => new Dictionary<string, string>
                {
                    ["name"] = "\"N\"", ["phone"] = "\"+14155550970\"", ["queues"] = "[\"support\"]", ["campaigns"] = "[\"spring-sale\"]", ["ownershipCodes"] = "[\"owner.1\"]",
                },
                "/api/agents/{id}/availability" => new Dictionary<string, string> { ["available"] = "true" },
                "/api/rules/{kind}" => new Dictionary<string, string>
                {
                    ["enabled"] = "true", ["intervals"] = "[\"00:02:00\"]", ["queue"] = "\"support\"", ["timeZone"] = "\"America/Chicago\"",
                    ["callerId"] = "\"+14155550999\"", ["agentPrompt"] = "{\"text\":\"Automatic callback.\"}",
                    ["recording"] = "{\"enabled\":true,\"storagePeriod\":\"30\"}", ["voicemail"] = "\"off\"",
                    ["whisper"] = "{\"name\":true,\"comment\":false}",
                },
                "/api/account/lines" => new Dictionary<string, string> { ["maxLines"] = "5", ["callsPerSecond"] = "1" },
                "/api/account/unknown-callers" => new Dictionary<string, string> { ["unknownCallers"] = "\"createContact\"" },
                "/api/callbacks/{id}" => new Dictionary<string, string> { ["in"] = "{\"minutes\":5}" },
                // No such agent: even a body whose defect happens to be harmless schedules nothing (422).
                "/api/callbacks" => new Dictionary<string, string>
                {
                    ["phone"] = "\"+14155550972\"", ["queue"] = "\"support\"", ["in"] = "{\"minutes\":5}", ["agentId"] = "\"zz-nobody\"",
                    ["comment"] = "\"About the renewal\"", ["retries"] = "1",
                },
                "/api/queues/{name}" => new Dictionary<string, string>
                {
                    ["slots"] = "[{\"at\":\"14:30\",\"capacity\":2}]", ["preferredAgentWait"] = "\"00:02:00\"", ["retryAfter"] = "\"00:10:00\"",
                    ["maxPending"] = "50", ["timeZone"] = "\"America/Chicago\"", ["holdMessage"] = "{\"text\":\"Please hold.\"}",
                    ["rejectCooldown"] = "\"00:00:30\"", ["completeCooldown"] = "\"00:01:00\"",
                },
                "/api/contacts/{id}" => new Dictionary<string, string>
                {
                    ["name"] = "\"Ann\"", ["numbers"] = "[\"+14155550973\"]", ["types"] = "[\"lead\"]", ["ownershipCode"] = "\"team-a\"", ["campaign"] = "\"spring\"",
                },
                // One line of JSON lines: a defective line refuses the whole import.
                "/api/contacts:import" => new Dictionary<string, string>
                {
                    ["id"] = "\"zz-import\"", ["name"] = "\"Ann\"", ["numbers"] = "[\"+14155550974\"]", ["types"] = "[\"lead\"]", ["campaign"] = "\"spring\"",
                },
                "/api/numbers/{number}" => new Dictionary<string, string> { ["location"] = "\"Downtown\"", ["adSource"] = "\"Billboard\"" },
                // No offer rings anyone in the corpus: even a harmless body changes nothing (404 or 409).
                "/api/agents/{id}/alert/accept" or "/api/agents/{id}/alert/reject" => new Dictionary<string, string> { ["offer"] = "1" },
                _ => new Dictionary<string, string> { ["number"] = "\"+14155550971\"" },
            };
            if (defect)
            {
                var key = Pick(fields.Keys.ToList());
                switch (random.Next(6))
                {
                    case 4 or 5: fields[key] = InvalidValue(key); break;
                    case 0: fields[Pick(["enabeld", "nmae", "queue s", "__proto__", "constructor", NastyText()])] = WrongJson(); break;
                    case 1: fields[key] = WrongJson(); fields["unknownToo"] = "1"; break;
                    case 2: fields.Remove(key); fields["x"] = "1"; break;
                    default: fields[key] = JsonString(NastyText()); fields["extra"] = WrongJson(); break;
                }
            }
            return "{" + string.Join(",", fields.Select(f => $"{JsonString(f.Key)}:{f.Value}")) + "}";
        }

        /// <summary>A value of the right JSON type that breaks the field's own rule (so it reaches the route's validation).</summary>
        private string InvalidValue(string field) => field switch
        {
            "name" => JsonString(Pick([new string('n', random.Next(101, 70_000)), "Line\nBreak", "\u0000", "  "])),
            "phone" or "number" => JsonString(Pick(["12", "anonymous", "+266696687", "<script>", "'; DROP TABLE", "", new string('9', 5000)])),
            "queues" => Pick(["[]", "[\"a/b\"]", "[\"-x\"]", "[\"" + new string('q', 65) + "\"]",
                "[" + string.Join(",", Enumerable.Range(0, random.Next(21, 3000)).Select(i => $"\"q{i}\"")) + "]"]),
            "intervals" => Pick(["[\"banana\"]", "[\"-00:01:00\"]", "[\"00:00:00.001\"]", "[\"999.00:00:00\"]", "[]",
                "[" + string.Join(",", Enumerable.Repeat("\"00:02:00\"", 50)) + "]"]),
            "queue" => JsonString(Pick(["a/b", "-x", "", new string('q', 65), "a#b"])),
            "maxLines" => Pick(["0", "-1", "16", "99999999999"]),
            "offer" => Pick(["0", "-1", "1.5", "99999999999", "\"1\""]),
            "timeZone" => JsonString(Pick(["Mars/Olympus_Mons", "../../etc/localtime", new string('z', random.Next(65, 100_000))])),
            "callerId" => JsonString(Pick(["12", "<script>", new string('5', random.Next(20, 100_000))])),
            "voicemail" => JsonString(Pick(["sometimes", new string('v', random.Next(20, 100_000))])),
            "agentPrompt" => Pick([
                "{\"audioUrl\":" + JsonString("https://media.example.com/" + new string('a', random.Next(2100, 200_000))) + "}",
                "{\"text\":\"Hi.\",\"voice\":" + JsonString("Polly." + new string('v', random.Next(65, 100_000))) + "}",
                "{\"text\":\"Hi.\",\"language\":" + JsonString(new string('l', random.Next(10, 100_000))) + "}",
                "{\"text\":" + JsonString(new string('t', random.Next(1001, 200_000))) + "}",
                "{\"audioUrl\":\"javascript:alert(1)\"}", "{\"audioUrl\":\"https://a.example.com/x.mp3\",\"text\":\"both\"}"]),
            "recording" => Pick(["{\"storagePeriod\":\"0\"}", "{\"storagePeriod\":" + JsonString(new string('9', random.Next(10, 100_000))) + "}",
                "{\"customerNotification\":{\"audioUrl\":" + JsonString("http://" + new string('h', random.Next(2100, 100_000))) + "}}"]),
            "callsPerSecond" => Pick(["0", "-1", "1e308", "100000"]),
            // Not a boolean, and not null (which a PUT takes as "the default"): a seed once drew null or true here and saved a valid rule.
            "enabled" or "available" => Pick(["\"yes\"", "1", "[]", "{}", "\"true\""]),
            "in" => Pick(["{\"minutes\":0}", "{\"days\":91}", "{\"hours\":-1}", "{\"minutes\":1e9}", "{\"weeks\":1}", "[]"]),
            "slots" => Pick(["[{\"at\":\"25:00\",\"capacity\":1}]", "[{\"at\":\"14:30\",\"capacity\":0}]", "[{\"at\":\"14:30\",\"capacity\":1},{\"at\":\"14:30\",\"capacity\":1}]",
                "[" + string.Join(",", Enumerable.Range(0, 97).Select(i => $"{{\"at\":\"{i / 4 % 24:00}:{i % 4 * 15:00}\",\"capacity\":1}}")) + "]"]),
            "preferredAgentWait" => JsonString(Pick(["-00:01:00", "01:00:01", "25:00:00", "banana"])),
            "retryAfter" => JsonString(Pick(["-00:01:00", "00:00:59", "1.00:00:01", "banana"])),
            "maxPending" => Pick(["0", "-5", "10001", "1.5"]),
            "agentId" => JsonString(Pick(["a/b", "-x", "", new string('q', 65), "a#b"])),
            "comment" => JsonString(new string('c', random.Next(301, 50_000))),
            "retries" => Pick(["-1", "11", "99999999999", "1.5"]),
            "numbers" => Pick(["[]", "[\"12\"]", "[null]", "[\"+14155550975\",\"(415) 555-0975\"]",
                "[" + string.Join(",", Enumerable.Range(0, random.Next(11, 3000)).Select(i => $"\"+1415556{i % 10000:D4}\"")) + "]"]),
            "types" => Pick(["[]", "[\"vip\"]", "[\"unknown\",\"lead\"]", "[null]", "[\"Lead\"]"]),
            "id" or "ownershipCode" or "campaign" => JsonString(Pick(["a/b", "-x", "", "a b", new string('q', 65), "a#b"])),
            "location" or "adSource" => JsonString(Pick([new string('l', random.Next(101, 70_000)), "line\nbreak", "  ", "\u0000"])),
            "campaigns" or "ownershipCodes" => Pick(["[\"a/b\"]", "[\"-x\"]", "[\"x\",\"X\"]", "[null]", "[\"" + new string('c', 65) + "\"]",
                "[" + string.Join(",", Enumerable.Range(0, random.Next(21, 3000)).Select(i => $"\"c{i}\"")) + "]"]),
            "whisper" => Pick(["{\"name\":\"yes\"}", "{\"comment\":1}", "{\"loud\":true}", "true", "[]"]),
            "unknownCallers" => JsonString(Pick(["create", "", "ignore!", new string('u', random.Next(20, 100_000))])),
            "rejectCooldown" or "completeCooldown" => JsonString(Pick(["-00:00:01", "01:00:01", "1.00:00:00", "banana"])),
            "holdMessage" => Pick(["{\"audioUrl\":\"javascript:alert(1)\"}", "{\"text\":" + JsonString(new string('t', random.Next(1001, 50_000))) + "}"]),
            _ => WrongJson(),
        };

        private string Truncate(string json) => random.Next(3) switch
        {
            0 => json[..random.Next(1, json.Length)],
            1 => json.Replace(":", "::", StringComparison.Ordinal),
            _ => json + Pick([",", "}", "]", "garbage", "\u0000"]),
        };

        private string BadQuery() => string.Join("&", Enumerable.Range(0, random.Next(1, 4)).Select(_ =>
            $"{Pick(["pageSize", "status", "caller", "queue", "continuationToken", "kind", "code", "since", "window", "number"])}={Uri.EscapeDataString(Pick(["-1", "0", "abc", "99999999999", "sleeping", NastyText(), "eyJ4IjoxfQ"]))}"));

        /// <summary>The route with its parameters filled: valid-looking but unknown, or bad (nasty characters, too long).</summary>
        private string Fill(string template, bool bad)
        {
            string Value(string name) => bad
                ? Uri.EscapeDataString(Pick([NastyText() + "x", "a/b", "a\\b", "a#b", "a?b", "\u0000", "%", new string('i', 2000), "x\ny"]))
                : name switch { "kind" => Pick(["scenario", "contact-center"]), _ => "zz-unknown-" + random.Next(1000) };
            return template.Replace("{id}", Value("id"), StringComparison.Ordinal)
                .Replace("{kind}", Value("kind"), StringComparison.Ordinal)
                .Replace("{name}", Value("name"), StringComparison.Ordinal)
                .Replace("{number}", Value("number"), StringComparison.Ordinal)
                .Replace("{path}", Value("path"), StringComparison.Ordinal);
        }

        // ---- Anything: a route that does not exist, a path with traversal, a method nobody takes.

        private Bad Anywhere()
        {
            var path = Pick(["/api/", "/api/../api/agents", "/api/agents/%2e%2e", "/api/twilio/", "/api/nothing-here", "/%00", "/api/callbacks/" + new string('c', 5000)]);
            return new($"{path}", () => Raw(new HttpMethod(Pick(["GET", "POST", "PUT", "DELETE", "TRACE", "PATCH"])), path, Pick<string?>([null, "{}", "x=1"]), "application/json"));
        }

        private static HttpRequestMessage Raw(HttpMethod method, string path, string? body, string? contentType) =>
            RawBytes(method, path, body is null ? null : Encoding.UTF8.GetBytes(body), contentType);

        private static HttpRequestMessage RawBytes(HttpMethod method, string path, byte[]? body, string? contentType)
        {
            var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                if (contentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
            return request;
        }

        private static string Shorten(string value) => value.Length > 60 ? value[..60] + $"...({value.Length})" : value;
    }
}
