using System.Diagnostics;
using System.Net;
using System.Text;
using CallbackFunctions.Settings;
using CallbackFunctions.TwilioSimulator.Control;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Twilio.Security;
using AppSignatures = CallbackFunctions.Twilio.TwilioSignatures;

namespace CallbackFunctions.TwilioSimulator.Tests;

/// <summary>GET / documents the simulator for a person driving it by hand; what it says must be true.</summary>
public sealed class RootPageTests
{
    [Fact]
    public async Task Root_AnswersThePage_AsUtf8PlainText_WithTheLocalCredentials()
    {
        await using var kit = await TestKit.StartAsync();
        using var http = new HttpClient { BaseAddress = kit.Simulator.BaseUrl };

        using var response = await http.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var page = await response.Content.ReadAsStringAsync();
        Assert.StartsWith($"# Twilio simulator at {kit.Simulator.BaseUrl.AbsoluteUri}\n", page, StringComparison.Ordinal);
        Assert.Contains($"Account SID:    {SimulatorOptions.DefaultAccountSid} ", page, StringComparison.Ordinal);
        Assert.Contains($"Auth token:     {SimulatorOptions.DefaultAuthToken} ", page, StringComparison.Ordinal);
        Assert.Contains(TestKit.Ours, page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Root_NamesEveryMappedRoute_AndDocumentsEachRouteAndField()
    {
        await using var kit = await TestKit.StartAsync();
        var page = await PageAsync(kit);
        var routes = kit.Simulator.Endpoints.OfType<RouteEndpoint>().ToList();
        var control = routes.Where(r => !r.RoutePattern.RawText!.StartsWith("/2010-04-01", StringComparison.Ordinal)).ToList();
        var rest = routes.Except(control).ToList();

        // The control routes the API is known to have are among them (the enumeration itself is not empty or wrong).
        var named = control.SelectMany(r => (r.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {r.RoutePattern.RawText}")).ToList();
        foreach (var expected in new[] { "GET /", "PUT /sim/people/{number}", "POST /sim/inbound-calls", "GET /sim/calls", "GET /sim/calls/{sid}", "GET /sim/queues", "GET /sim/queues/{name}", "GET /sim/stats", "GET /sim/errors", "GET /sim/recordings", "GET /sim/faults", "PUT /sim/faults", "POST /sim/reset" })
        {
            Assert.Contains(expected, named);
        }

        foreach (var route in control)
        {
            var methods = route.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            var heading = methods.Count == 0 ? $"### Any method, {route.RoutePattern.RawText}\n" : $"### {string.Join(", ", methods)} {route.RoutePattern.RawText}\n";
            Assert.Contains(heading, page, StringComparison.Ordinal);
        }

        Assert.Equal(5, rest.Count);
        foreach (var route in rest)
        {
            Assert.Contains($" | {route.RoutePattern.RawText} | ", page, StringComparison.Ordinal);
        }

        // Every route, body field and enum value has its description; the bodies' fields are all there.
        Assert.DoesNotContain(RootPage.Undocumented, page, StringComparison.Ordinal);
        foreach (var field in new[] { "responses", "answer", "ringSeconds", "digits", "talkSeconds", "from", "to", "url", "method", "twiml", "fallbackUrl", "queueOutcome", "waitSeconds", "statusCallback", "statusCallbackEvents", "duplicateStatusCallbacks", "shuffleStatusCallbacks", "statusCallbackDelayMs", "createDelayMs", "failCreates", "kind", "count" })
        {
            Assert.Contains($"  - {field}: ", page, StringComparison.Ordinal);
        }

        Assert.Contains("  - from: string, required.", page, StringComparison.Ordinal);
        Assert.Contains("  - answer: \"answer\" | \"busy\" | \"no-answer\" | \"failed\" | \"machine\", default \"answer\".", page, StringComparison.Ordinal);
        Assert.Contains("  - ringSeconds: number, default 1.", page, StringComparison.Ordinal);
        Assert.Contains("  - method: string, default \"POST\".", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Root_EveryCurlExampleOnThePage_Succeeds()
    {
        await using var kit = await TestKit.StartAsync();
        var page = await PageAsync(kit);
        var examples = page.Split('\n').Where(l => l.StartsWith("    curl ", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
        Assert.True(examples.Count >= 14, $"only {examples.Count} curl examples");

        foreach (var example in examples)
        {
            var callSid = kit.Simulator.Calls.FirstOrDefault()?.Sid ?? "CA00000000000000000000000000000000";

            // -f: an HTTP error fails curl; the example line itself runs as written.
            var (exit, output) = await BashAsync(
                $"curl() {{ command curl -f --max-time 10 \"$@\"; }}\nCALL_SID={callSid}\nAPP={kit.App.BaseUrl.AbsoluteUri.TrimEnd('/')}\n{example}\n");
            Assert.True(exit == 0, $"{example}\nexited {exit}: {output}");
        }

        Assert.Contains(kit.Simulator.Calls, c => c.Direction == "outbound-api");
        // Only the Enqueue action to this test's stand-in app (it answers no TwiML there) may have failed.
        Assert.DoesNotContain(kit.Simulator.Errors, e => e.Url?.Contains("/api/twilio/missed-call", StringComparison.Ordinal) != true);
    }

    [Fact]
    public async Task Root_HandSigningRecipe_FollowedLiterally_IsAcceptedByTheAppsCheck_AndAWrongTokenIsNot()
    {
        await using var kit = await TestKit.StartAsync();
        var page = await PageAsync(kit);
        var recipe = ShellBlockAfter(page, "## Signing a webhook to the app by hand");
        Assert.Contains(RootPage.AppUrlPlaceholder + "\n", recipe, StringComparison.Ordinal);
        await using var app = await SignatureCheckingApp.StartAsync(SimulatorOptions.DefaultAuthToken);

        // The reader's one edit: the app's URL.
        var script = recipe.Replace(RootPage.AppUrlPlaceholder, "APP=" + app.BaseUrl.TrimEnd('/'), StringComparison.Ordinal);
        var (exit, output) = await BashAsync(script);

        Assert.True(exit == 0, output);
        Assert.Contains("HTTP/1.1 200", output, StringComparison.Ordinal);
        var seen = Assert.Single(app.Seen);
        Assert.True(seen.AppAccepts, "TwilioSignatures.IsValid refused the hand-made signature");
        Assert.True(seen.SdkAccepts, "RequestValidator refused the hand-made signature");
        Assert.Equal(RootPage.ExampleCaller, seen.Form["From"]);
        Assert.Equal(TestKit.Ours, seen.Form["To"]);
        Assert.Equal("hangup", seen.Form["QueueResult"]);
        Assert.Equal(RootPage.ExampleCallSid, seen.Form["CallSid"]);
        Assert.Equal(app.BaseUrl.TrimEnd('/') + "/api/twilio/missed-call?queue=support", seen.Url);

        // The check is not vacuous: the same recipe with another token is refused.
        var wrongToken = script.Replace("TOKEN=" + SimulatorOptions.DefaultAuthToken, "TOKEN=0000feedf00dfeedf00dfeedf00dfeed", StringComparison.Ordinal);
        Assert.NotEqual(script, wrongToken);
        (exit, output) = await BashAsync(wrongToken);
        Assert.True(exit == 0, output);
        Assert.Contains("HTTP/1.1 403", output, StringComparison.Ordinal);
        Assert.False(app.Seen[1].AppAccepts);
        Assert.False(app.Seen[1].SdkAccepts);
    }

    private static async Task<string> PageAsync(TestKit kit)
    {
        using var http = new HttpClient { BaseAddress = kit.Simulator.BaseUrl };
        return await http.GetStringAsync("/");
    }

    private static string ShellBlockAfter(string page, string heading)
    {
        var section = page.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(section >= 0, $"no '{heading}' on the page");
        var start = page.IndexOf("```sh\n", section, StringComparison.Ordinal);
        Assert.True(start >= 0, "no ```sh block");
        start += "```sh\n".Length;
        var end = page.IndexOf("```\n", start, StringComparison.Ordinal);
        Assert.True(end > start, "the ```sh block does not end");
        return page[start..end];
    }

    /// <summary>Runs a script with bash (which must be there, with curl, openssl and base64: the page's recipe uses them).</summary>
    private static async Task<(int Exit, string Output)> BashAsync(string script)
    {
        var start = new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the script did not finish in 30 s:\n{script}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    private sealed record SeenWebhook(string Url, IReadOnlyDictionary<string, string> Form, bool AppAccepts, bool SdkAccepts);

    /// <summary>Stands in for the app's /api/twilio/missed-call: runs the app's own signature check, 200 if it passes, else 403.</summary>
    private sealed class SignatureCheckingApp : IAsyncDisposable
    {
        private readonly WebApplication app;
        private readonly List<SeenWebhook> seen = [];

        private SignatureCheckingApp(WebApplication app) => this.app = app;

        public string BaseUrl { get; private set; } = "";

        public IReadOnlyList<SeenWebhook> Seen
        {
            get
            {
                lock (seen)
                {
                    return [.. seen];
                }
            }
        }

        public static async Task<SignatureCheckingApp> StartAsync(string authToken)
        {
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Production" });
            builder.Configuration.Sources.Clear();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var web = builder.Build();
            var checker = new SignatureCheckingApp(web);
            web.MapPost("/api/twilio/missed-call", async (HttpContext http) =>
            {
                // As ./run.sh configures the app: the documented token, the app's own URL as the webhook base URL.
                var options = new TwilioOptions { AuthToken = authToken, WebhookBaseUrl = new Uri(checker.BaseUrl) };
                var form = await http.Request.ReadFormAsync();
                var appAccepts = AppSignatures.IsValid(options, http.Request, form);
                var url = AppSignatures.PublicUrl(options, http.Request);
                var values = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
                var sdkAccepts = new RequestValidator(authToken).Validate(url, values, http.Request.Headers["X-Twilio-Signature"].ToString());
                lock (checker.seen)
                {
                    checker.seen.Add(new SeenWebhook(url, values, appAccepts, sdkAccepts));
                }

                return appAccepts ? Results.Text("<Response/>", "text/xml", Encoding.UTF8) : Results.StatusCode(403);
            });
            await web.StartAsync();
            checker.BaseUrl = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return checker;
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
