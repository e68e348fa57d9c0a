using System.Text.Json.Nodes;

namespace CallbackFunctions.Infra.Tests;

[Collection(CompiledInfraCollection.Name)]
public sealed class ParameterAndOutputTests(CompiledInfra infra)
{
    [Fact]
    public void EveryParameter_OfMainAndOfEveryModule_HasADescription()
    {
        var undescribed = infra.Templates
            .SelectMany(t => t.Parameters.Select(p => (t.Path, p.Key, Description: p.Value.String("metadata.description"))))
            .Where(p => string.IsNullOrWhiteSpace(p.Description))
            .Select(p => $"{p.Path}: {p.Key}")
            .ToList();

        Assert.True(undescribed.Count == 0, "Parameters without @description:\n" + string.Join('\n', undescribed));
    }

    [Fact]
    public void EveryOutput_OfMain_HasADescription()
    {
        foreach (var (name, output) in infra.Main.Outputs)
        {
            Assert.False(string.IsNullOrWhiteSpace(output.String("metadata.description")), $"output {name} has no @description");
        }
    }

    [Fact]
    public void Main_TakesTheOperatorParameters()
    {
        var parameters = infra.Main.Parameters;
        string[] expected =
        [
            "environmentName", "location", "twilioAccountSid", "twilioAuthToken", "twilioApiKeySid", "twilioApiKeySecret",
            "twilioWebhookBaseUrl", "maximumInstanceCount", "instanceMemoryMB", "alwaysReadyHttpInstanceCount",
            "alwaysReadyDurableInstanceCount", "durableTaskHubName",
        ];

        Assert.Equal(expected.Order(), parameters.Select(p => p.Key).Order());
        Assert.Equal(string.Empty, parameters["twilioWebhookBaseUrl"].String("defaultValue"));
        Assert.Equal(string.Empty, parameters["twilioApiKeySid"].String("defaultValue"));
        Assert.Equal(string.Empty, parameters["twilioApiKeySecret"].String("defaultValue"));
        Assert.Equal("int", parameters["maximumInstanceCount"].String("type"));
        Assert.Equal("int", parameters["instanceMemoryMB"].String("type"));
    }

    [Fact]
    public void Outputs_NameTheAppItsUrlTheTwilioWebhooksTheConsoleAndTheStorageAccount()
    {
        var outputs = infra.Main.Outputs;

        Assert.Contains("outputs.name.value", outputs["AZURE_FUNCTION_APP_NAME"].String("value"));
        Assert.Contains("outputs.url.value", outputs["AZURE_FUNCTION_APP_URL"].String("value"));
        Assert.Contains("'{0}/api/twilio/missed-call'", outputs["TWILIO_MISSED_CALL_WEBHOOK_URL"].String("value"));
        Assert.Contains("'{0}/api/twilio/ivr-callback'", outputs["TWILIO_IVR_CALLBACK_WEBHOOK_URL"].String("value"));
        Assert.Contains("'storage'", outputs["AZURE_STORAGE_ACCOUNT_NAME"].String("value"));
        Assert.Contains("'{0}/console'", outputs["CONSOLE_URL"].String("value"));
        Assert.Contains("outputs.url.value", outputs["CONSOLE_URL"].String("value"));
    }

    [Fact]
    public void FunctionAppUrl_IsTheHttpsDefaultHostName()
    {
        var url = infra.Templates.Single(t => t.Path == "main/api").Outputs["url"].String("value");

        Assert.Contains("https://{0}", url);
        Assert.Contains(".defaultHostName", url);
    }

    [Fact]
    public void ParametersFile_GivesEveryMainParameterWithoutDefaultAnAzdPlaceholder()
    {
        var file = JsonNode.Parse(File.ReadAllText(CompiledInfra.RepoPath("infra/main.parameters.json")))!;
        var given = file["parameters"]!.AsObject();
        var main = infra.Main.Parameters;

        foreach (var (name, parameter) in main.Where(p => p.Value?["defaultValue"] is null))
        {
            Assert.True(given.ContainsKey(name), $"main.parameters.json does not give required parameter {name}");
        }

        foreach (var (name, entry) in given)
        {
            Assert.True(main.ContainsKey(name), $"main.parameters.json gives {name}, which main.bicep does not declare");
            Assert.Matches(@"^\$\{[A-Z0-9_]+(=[^}]*)?\}$", entry.String("value"));
        }

        Assert.Equal("${AZURE_ENV_NAME}", given["environmentName"].String("value"));
        Assert.Equal("${AZURE_LOCATION}", given["location"].String("value"));
    }

    [Fact]
    public void AzureYaml_DeploysTheAppAsTheApiFunctionService()
    {
        var lines = File.ReadAllLines(CompiledInfra.RepoPath("azure.yaml")).Select(l => l.Trim()).ToList();

        Assert.Contains("api:", lines);
        Assert.Contains("project: ./src/CallbackFunctions", lines);
        Assert.Contains("language: dotnet", lines);
        Assert.Contains("host: function", lines);
        Assert.True(Directory.Exists(CompiledInfra.RepoPath("src/CallbackFunctions")), "azure.yaml points at a missing project");
    }
}
