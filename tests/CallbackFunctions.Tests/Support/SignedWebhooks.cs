using CallbackFunctions.LocalRun;

namespace CallbackFunctions.Tests.Support;

/// <summary>Posts a webhook to the app signed as Twilio would sign it (for cases the simulator's scripts do not cover).</summary>
public static class SignedWebhooks
{
    public static async Task<HttpResponseMessage> PostAsync(LocalStack stack, string pathAndQuery, IDictionary<string, string> form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, pathAndQuery) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature",
            CallbackFunctions.TwilioSimulator.TwilioSignature.Compute(stack.Simulator.Options.AuthToken, stack.AppUrl + pathAndQuery, form));
        return await stack.Api.SendAsync(request);
    }

    public static Dictionary<string, string> InboundCall(string from, string callSid, params (string Name, string Value)[] extra)
    {
        var form = new Dictionary<string, string>
        {
            ["CallSid"] = callSid, ["AccountSid"] = "AC" + new string('a', 32), ["From"] = from, ["To"] = LocalStack.SupportNumber,
            ["CallStatus"] = "in-progress", ["ApiVersion"] = "2010-04-01", ["Direction"] = "inbound",
        };
        foreach (var (name, value) in extra) form[name] = value;
        return form;
    }

    public static string NewCallSid() => "CA" + Guid.NewGuid().ToString("N");
}
