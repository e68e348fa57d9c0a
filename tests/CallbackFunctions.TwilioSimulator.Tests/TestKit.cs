using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CallbackFunctions.TwilioSimulator.Tests;

/// <summary>A simulator plus a customer app, and a raw REST client for the simulator.</summary>
public sealed class TestKit : IAsyncDisposable
{
    public const string Ours = "+15550001000";
    public const string Agent = "+15550002000";
    public const string Customer = "+15550003000";

    private TestKit(TwilioSimulator simulator, CustomerApp app)
    {
        Simulator = simulator;
        App = app;
        Http = new HttpClient { BaseAddress = simulator.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Authorization = Basic(simulator.Options.AccountSid, simulator.Options.AuthToken);
    }

    public TwilioSimulator Simulator { get; }

    public CustomerApp App { get; }

    public HttpClient Http { get; }

    public string AccountSid => Simulator.Options.AccountSid;

    public string CallsPath => $"/2010-04-01/Accounts/{AccountSid}/Calls.json";

    public static async Task<TestKit> StartAsync(Action<SimulatorOptions>? configure = null)
    {
        var options = new SimulatorOptions { CallsPerSecond = 0, TimeScale = 0.05 };
        options.OwnedNumbers.Add(Ours);
        configure?.Invoke(options);
        var app = await CustomerApp.StartAsync();
        var simulator = await TwilioSimulator.StartAsync(options);
        return new TestKit(simulator, app);
    }

    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    public Task<HttpResponseMessage> PostFormAsync(string path, params (string Name, string Value)[] form) =>
        Http.PostAsync(path, new FormUrlEncodedContent(form.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))));

    /// <summary>Create Call with To=Agent, From=Ours and the given extra parameters; asserts 201 and returns the sid.</summary>
    public async Task<string> CreateCallAsync(params (string Name, string Value)[] extra)
    {
        var form = new List<(string, string)>();
        if (!extra.Any(e => e.Name == "To"))
        {
            form.Add(("To", Agent));
        }

        if (!extra.Any(e => e.Name == "From"))
        {
            form.Add(("From", Ours));
        }

        form.AddRange(extra);
        using var response = await PostFormAsync(CallsPath, [.. form]);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"create answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("sid").GetString()!;
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    public Task<SimulatedCall> WaitForEndAsync(string sid, int timeoutMs = 10_000) =>
        Simulator.WaitForCallAsync(c => c.Sid == sid && c.IsEnded, TimeSpan.FromMilliseconds(timeoutMs));

    /// <summary>TWILIO.md §6, computed independently of the simulator's own helper.</summary>
    public static string Sign(string authToken, string url, IReadOnlyDictionary<string, string> form)
    {
        var data = new StringBuilder(url);
        foreach (var key in form.Keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            data.Append(key).Append(form[key]);
        }

        using var hmac = new HMACSHA1(Encoding.UTF8.GetBytes(authToken));
        return Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(data.ToString())));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Simulator.DisposeAsync();
        await App.DisposeAsync();
    }
}
