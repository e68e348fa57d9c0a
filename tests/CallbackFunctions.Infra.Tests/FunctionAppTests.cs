using System.Text.Json.Nodes;

namespace CallbackFunctions.Infra.Tests;

[Collection(CompiledInfraCollection.Name)]
public sealed class FunctionAppTests(CompiledInfra infra)
{
    private ArmResource Site => infra.Single("Microsoft.Web/sites");

    private JsonObject AppSettings =>
        infra.All("Microsoft.Web/sites/config").Single(r => r.Name.Contains("'appsettings'", StringComparison.Ordinal))
            .Properties!.AsObject();

    [Fact]
    public void Plan_IsFlexConsumptionOnLinux()
    {
        var plan = infra.Single("Microsoft.Web/serverfarms");

        Assert.Equal("FC1", plan.Json.String("sku.name"));
        Assert.Equal("FlexConsumption", plan.Json.String("sku.tier"));
        Assert.True(plan.Properties.Bool("reserved") ?? false, "a Linux plan has reserved: true");
    }

    [Fact]
    public void Site_IsALinuxFunctionAppServedOverHttpsOnlyWithFtpsOffAndTls12()
    {
        Assert.Equal("functionapp,linux", Site.Json.String("kind"));
        Assert.True(Site.Properties.Bool("httpsOnly") ?? false, "httpsOnly must be the literal true");
        Assert.Equal("Disabled", Site.Properties.String("siteConfig.ftpsState"));
        Assert.Equal("1.2", Site.Properties.String("siteConfig.minTlsVersion"));
    }

    [Fact]
    public void Site_RunsTheDotnetIsolatedWorkerOnNet10()
    {
        var runtime = Site.Properties?["functionAppConfig"]?["runtime"];

        Assert.Equal("dotnet-isolated", runtime.String("name"));
        Assert.Equal("10.0", runtime.String("version"));
    }

    [Fact]
    public void Site_RunsAsOneUserAssignedIdentityAlsoUsedForKeyVaultReferences()
    {
        Assert.Equal("UserAssigned", Site.Json.String("identity.type"));
        var identities = Site.Json["identity"]?["userAssignedIdentities"]?.AsObject();
        Assert.NotNull(identities);
        var identity = Assert.Single(identities);
        Assert.Contains("parameters('identityId')", identity.Key);
        Assert.Equal("[parameters('identityId')]", Site.Properties.String("keyVaultReferenceIdentity"));
    }

    [Fact]
    public void Site_ScaleSettingsComeFromTheParameters()
    {
        var scale = Site.Properties?["functionAppConfig"]?["scaleAndConcurrency"];

        Assert.Equal("[parameters('maximumInstanceCount')]", scale.String("maximumInstanceCount"));
        Assert.Equal("[parameters('instanceMemoryMB')]", scale.String("instanceMemoryMB"));
    }

    [Fact]
    public void Site_KeepsTheHttpAndDurableGroupsAlwaysReady_WithCountsFromTheParameters()
    {
        var alwaysReady = Site.Properties?["functionAppConfig"]?["scaleAndConcurrency"]?["alwaysReady"] as JsonArray;
        Assert.NotNull(alwaysReady);
        var counts = alwaysReady.ToDictionary(g => g.String("name") ?? string.Empty, g => g.String("instanceCount"));

        Assert.Equal(["durable", "http"], counts.Keys.Order());
        Assert.Equal("[parameters('alwaysReadyHttpInstanceCount')]", counts["http"]);
        Assert.Equal("[parameters('alwaysReadyDurableInstanceCount')]", counts["durable"]);
    }

    [Theory]
    [InlineData("alwaysReadyHttpInstanceCount")]
    [InlineData("alwaysReadyDurableInstanceCount")]
    public void AlwaysReadyCount_IsAMainParameterDefaultingToOne_HandedToTheApp(string name)
    {
        var parameter = infra.Main.Parameters[name];

        Assert.Equal("int", parameter.String("type"));
        Assert.Equal(1, parameter?["defaultValue"]?.GetValue<int>());
        Assert.Equal(0, parameter?["minValue"]?.GetValue<int>());
        Assert.Equal($"[parameters('{name}')]", infra.Module("api").Properties.String($"parameters.{name}.value"));
    }

    [Fact]
    public void AlwaysReadyCounts_TogetherStayWithinTheSmallestMaximumInstanceCount()
    {
        var parameters = infra.Main.Parameters;
        int Max(string name) => parameters[name]?["maxValue"]?.GetValue<int>()
            ?? throw new Xunit.Sdk.XunitException($"{name} has no @maxValue");

        var smallestMaximum = parameters["maximumInstanceCount"]?["minValue"]?.GetValue<int>();

        Assert.True(
            Max("alwaysReadyHttpInstanceCount") + Max("alwaysReadyDurableInstanceCount") <= smallestMaximum,
            "the always-ready groups could ask for more instances than the plan may scale to");
    }

    [Fact]
    public void Site_CarriesTheAzdServiceTagOfAzureYaml()
    {
        Assert.Contains("'azd-service-name', parameters('serviceName')", Site.Json.String("tags"));
        // azure.yaml names the service 'api'; azd deploys to the site tagged with that name.
        Assert.Equal("api", infra.Module("api").Properties.String("parameters.serviceName.value"));
    }

    [Fact]
    public void AppSettings_ReachHostStorageThroughTheManagedIdentity()
    {
        Assert.Equal("[parameters('storageAccountName')]", AppSettings.String("AzureWebJobsStorage__accountName"));
        Assert.Equal("managedidentity", AppSettings.String("AzureWebJobsStorage__credential"));
        Assert.Equal("[parameters('identityClientId')]", AppSettings.String("AzureWebJobsStorage__clientId"));
        // A connection string would need a shared key, which the account refuses.
        Assert.False(AppSettings.ContainsKey("AzureWebJobsStorage"), "no AzureWebJobsStorage connection string");
    }

    [Fact]
    public void AppSettings_NameTheDurableTaskHubFromTheParameter()
    {
        // host.json reads it as "hubName": "%DurableTaskHubName%".
        Assert.Equal("[parameters('durableTaskHubName')]", AppSettings.String("DurableTaskHubName"));
        Assert.Equal("[parameters('durableTaskHubName')]", infra.Module("api").Properties.String("parameters.durableTaskHubName.value"));
    }

    [Fact]
    public void DurableTaskHubName_DefaultsToANameTheAzureStorageBackendAccepts()
    {
        var parameter = infra.Main.Parameters["durableTaskHubName"];

        // Azure Storage task hubs: letters and digits only, starting with a letter, 3 to 45 characters.
        Assert.Matches("^[A-Za-z][A-Za-z0-9]{2,44}$", parameter.String("defaultValue"));
        Assert.Equal(3, parameter?["minLength"]?.GetValue<int>());
        Assert.Equal(45, parameter?["maxLength"]?.GetValue<int>());
    }

    [Fact]
    public void AppSettings_SendTelemetryWithEntraIdAuthentication()
    {
        Assert.Contains("ConnectionString", AppSettings.String("APPLICATIONINSIGHTS_CONNECTION_STRING"));
        var authentication = AppSettings.String("APPLICATIONINSIGHTS_AUTHENTICATION_STRING");
        Assert.Contains("Authorization=AAD", authentication);
        Assert.Contains("ClientId={0}", authentication);
        Assert.Contains("parameters('identityClientId')", authentication);
    }

    [Theory]
    [InlineData("FUNCTIONS_WORKER_RUNTIME")]
    [InlineData("FUNCTIONS_EXTENSION_VERSION")]
    [InlineData("WEBSITE_RUN_FROM_PACKAGE")]
    public void AppSettings_LeaveOutWhatFlexConsumptionRejects(string setting)
    {
        Assert.False(AppSettings.ContainsKey(setting), $"{setting} is configured by functionAppConfig on Flex Consumption");
    }

    [Fact]
    public void AppSettings_AreExactlyTheOnesTheIsolatedAppAndItsHostRead()
    {
        // Nothing of the custom handler's engine (Storage__TimerQueue, Hosting__*, Spool__*): Durable replaced it.
        string[] expected =
        [
            "AzureWebJobsStorage__accountName", "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId",
            "DurableTaskHubName",
            "APPLICATIONINSIGHTS_CONNECTION_STRING", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
            "Twilio__AccountSid", "Twilio__AuthToken", "Twilio__ApiKeySid", "Twilio__ApiKeySecret", "Twilio__WebhookBaseUrl",
        ];

        Assert.Equal(expected.Order(StringComparer.Ordinal), AppSettings.Select(s => s.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AppSettings_CarryEveryTwilioSetting()
    {
        Assert.Equal("[parameters('twilioAccountSid')]", AppSettings.String("Twilio__AccountSid"));
        Assert.Equal("[parameters('twilioApiKeySid')]", AppSettings.String("Twilio__ApiKeySid"));
        Assert.NotNull(AppSettings.String("Twilio__AuthToken"));
        Assert.NotNull(AppSettings.String("Twilio__ApiKeySecret"));
        Assert.NotNull(AppSettings.String("Twilio__WebhookBaseUrl"));
    }

    [Fact]
    public void AppSettings_WebhookBaseUrl_DefaultsToTheSitesHttpsHostName()
    {
        var webhookBaseUrl = AppSettings.String("Twilio__WebhookBaseUrl");

        Assert.Contains("empty(parameters('twilioWebhookBaseUrl'))", webhookBaseUrl);
        Assert.Contains("https://{0}", webhookBaseUrl);
        Assert.Contains(".defaultHostName", webhookBaseUrl);
    }

    [Theory]
    [InlineData("ftp")]
    [InlineData("scm")]
    public void BasicPublishingCredentials_AreDisabled(string endpoint)
    {
        var policy = infra.All("Microsoft.Web/sites/basicPublishingCredentialsPolicies")
            .Single(r => r.Name.Contains($"'{endpoint}'", StringComparison.Ordinal));

        Assert.False(policy.Properties.Bool("allow") ?? true, $"{endpoint} basic auth must be the literal false");
    }
}
