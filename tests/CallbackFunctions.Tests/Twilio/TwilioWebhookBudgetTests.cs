using System.Text;
using CallbackFunctions.Settings;
using CallbackFunctions.Twilio;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CallbackFunctions.Tests.Twilio;

/// <summary>
/// A webhook's own work has <see cref="TwilioWebhook.WorkBudget"/> (Twilio waits 15 s in all): past it the work is
/// given up and the caller hears an apology, rather than Twilio's error after the wait. The clock is a fake one.
/// </summary>
public sealed class TwilioWebhookBudgetTests
{
    private const string Token = "budget-token";
    private const string PathAndQuery = "/api/twilio/agent-answer?callbackId=cb-1&offer=1";

    [Fact]
    public async Task WorkPastTheBudget_IsGivenUp_AndTheCallerHearsAnApology()
    {
        var time = new FakeTimeProvider();
        var options = new TwilioOptions { AuthToken = Token, WebhookBaseUrl = new Uri("https://app.example.com") };
        var webhook = new TwilioWebhook(Moq.Mock.Of<IOptionsMonitor<TwilioOptions>>(m => m.CurrentValue == options), time, NullLogger<TwilioWebhook>.Instance);
        var context = SignedRequest(new Dictionary<string, string> { ["CallSid"] = "CA" + new string('0', 32), ["Digits"] = "1" });
        var started = new TaskCompletionSource();

        var run = webhook.RunAsync(context.Request, async work =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, work); // storage that never answers
            return Results.Ok();
        }, CancellationToken.None);
        await started.Task;
        time.Advance(TwilioWebhook.WorkBudget - TimeSpan.FromMilliseconds(1));
        Assert.False(run.IsCompleted, "given up before its budget");
        time.Advance(TimeSpan.FromMilliseconds(1));
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));

        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        var twiml = await new StreamReader(context.Response.Body).ReadToEndAsync();
        Assert.Contains("Sorry, we cannot connect this call right now", twiml, StringComparison.Ordinal);
        Assert.Contains("<Hangup", twiml, StringComparison.Ordinal);
    }

    private static DefaultHttpContext SignedRequest(Dictionary<string, string> form)
    {
        var body = Encoding.UTF8.GetBytes(string.Join("&", form.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}")));
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        var question = PathAndQuery.IndexOf('?', StringComparison.Ordinal);
        context.Request.Method = "POST";
        context.Request.Path = PathAndQuery[..question];
        context.Request.QueryString = new QueryString(PathAndQuery[question..]);
        context.Request.ContentType = "application/x-www-form-urlencoded";
        context.Request.ContentLength = body.Length;
        context.Request.Body = new MemoryStream(body);
        context.Request.Headers["X-Twilio-Signature"] = TwilioSimulator.TwilioSignature.Compute(Token, "https://app.example.com" + PathAndQuery, form);
        context.Response.Body = new MemoryStream();
        return context;
    }
}
