using CallbackFunctions.LocalRun;
using CallbackFunctions.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CallbackFunctions.Tests.Twilio;

/// <summary>
/// local.settings.sample.json's Twilio placeholders are refused when the app starts, each by name with its value (a
/// secret masked) and what belongs there: under the Functions host as in the local host, since the check is the app's
/// own settings validation. Real-looking and empty settings pass.
/// </summary>
public sealed class TwilioPlaceholderTests
{
    /// <summary>The sample's Values, as the app's configuration keys (Twilio__AccountSid is Twilio:AccountSid).</summary>
    private static IConfiguration SampleSettings()
    {
        var values = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepositoryRoot.Find(), "local.settings.sample.json")).Build()
            .GetSection("Values").AsEnumerable(makePathsRelative: true).Where(kv => kv.Value is not null)
            .ToDictionary(kv => kv.Key.Replace("__", ":", StringComparison.Ordinal), kv => kv.Value);
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    private static TwilioOptions Bind(IConfiguration config) => config.GetSection(TwilioOptions.Section).Get<TwilioOptions>() ?? new TwilioOptions();

    [Fact]
    public void Validate_TheSamplesPlaceholders_NamesEachWithItsValueAndWhatToPutThere()
    {
        var problems = Bind(SampleSettings()).Validate();

        Assert.Collection(problems,
            p => Assert.StartsWith("Twilio:AccountSid is a placeholder ('ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'): put there your Twilio account's SID", p, StringComparison.Ordinal),
            p => Assert.StartsWith("Twilio:AuthToken is a placeholder ('your-***'): put there your Twilio account's auth token", p, StringComparison.Ordinal),
            p => Assert.StartsWith("Twilio:WebhookBaseUrl is a placeholder ('https://your-public-host.example.com/'): put there the public https base URL", p, StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains("your-auth-token", StringComparison.Ordinal)); // a secret is masked
    }

    [Theory]
    [InlineData("AC0123456789abcdef0123456789abcdef", "f00dfeedf00dfeedf00dfeedf00dfeed", "https://func-abc.azurewebsites.net")]
    [InlineData("", "", null)] // not set: nothing to refuse here (the calls themselves say what is missing)
    [InlineData("AC0123456789abcdef0123456789abcdef", "f00dfeedf00dfeedf00dfeedf00dfeed", "http://127.0.0.1:7071/")]
    public void Validate_RealLookingOrEmptySettings_PassesThem(string accountSid, string authToken, string? webhookBaseUrl)
    {
        var options = new TwilioOptions
        {
            AccountSid = accountSid,
            AuthToken = authToken,
            ApiKeySid = "SK0123456789abcdef0123456789abcdef",
            ApiKeySecret = "0123456789abcdef0123456789abcdef",
            WebhookBaseUrl = webhookBaseUrl is null ? null : new Uri(webhookBaseUrl),
        };

        Assert.Empty(options.Validate());
    }

    [Theory]
    [InlineData("ApiKeySid", "SKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")]
    [InlineData("ApiKeySecret", "your-api-key-secret")]
    [InlineData("AuthToken", "<auth token>")]
    [InlineData("WebhookBaseUrl", "https://app.example.com")]
    [InlineData("WebhookBaseUrl", "https://your-tunnel.ngrok.app")]
    public void Validate_APlaceholderLikeTheSamples_IsRefusedByName(string setting, string value)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection([new($"Twilio:{setting}", value)]).Build();

        var problem = Assert.Single(Bind(config).Validate());

        Assert.StartsWith($"Twilio:{setting} is a placeholder", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppStartUp_OnTheSampleSettings_FailsNamingEveryPlaceholder()
    {
        // The app's services as either host composes them; the options are checked when the host starts.
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddConfiguration(SampleSettings());
        builder.Services.AddCallbackServices(builder.Configuration);
        using var host = builder.Build();

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(["Twilio:AccountSid", "Twilio:AuthToken", "Twilio:WebhookBaseUrl"], refused.Failures.Select(f => f[..f.IndexOf(' ', StringComparison.Ordinal)]));
    }
}
