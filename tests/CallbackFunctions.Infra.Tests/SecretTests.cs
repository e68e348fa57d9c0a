using System.Text.RegularExpressions;

namespace CallbackFunctions.Infra.Tests;

[Collection(CompiledInfraCollection.Name)]
public sealed partial class SecretTests(CompiledInfra infra)
{
    [Fact]
    public void TwilioSecrets_AreSecureParametersOfMain()
    {
        Assert.Equal(["twilioApiKeySecret", "twilioAuthToken"], infra.Main.SecureParameterNames.Order());
    }

    [Fact]
    public void SecureParameters_HaveNoDefaultButEmpty()
    {
        foreach (var template in infra.Templates)
        {
            foreach (var name in template.SecureParameterNames)
            {
                var defaultValue = template.Parameters[name]?["defaultValue"];
                Assert.True(
                    defaultValue is null || defaultValue.ToString() == string.Empty,
                    $"{template.Path}: secure parameter {name} has a default value");
            }
        }
    }

    /// <summary>
    /// A secure parameter may only become a Key Vault secret's value, or be handed on to a module parameter that is
    /// itself secure. Anything else (an app setting, a tag, an output, a variable) would put it in plain sight.
    /// </summary>
    [Fact]
    public void SecureParameters_FlowOnlyIntoKeyVaultSecretsOrSecureModuleParameters()
    {
        var leaks = new List<string>();
        foreach (var template in infra.Templates)
        {
            foreach (var secure in template.SecureParameterNames)
            {
                var reference = $"parameters('{secure}')";
                // Testing for emptiness reveals nothing of the value (used to skip an absent optional secret).
                var emptinessTest = $"empty({reference})";
                bool Uses(string text) => text.Replace(emptinessTest, string.Empty, StringComparison.Ordinal)
                    .Contains(reference, StringComparison.Ordinal);

                foreach (var (path, value) in template.Variables.Strings("variables").Concat(template.Outputs.Strings("outputs")))
                {
                    if (Uses(value))
                    {
                        leaks.Add($"{template.Path}: {path} = {value}");
                    }
                }

                foreach (var resource in template.Resources)
                {
                    foreach (var (path, value) in resource.Strings().Where(s => Uses(s.Value)))
                    {
                        if (!IsAllowedSink(resource, path))
                        {
                            leaks.Add($"{template.Path}: {resource.Type} {resource.Name} {path} = {value}");
                        }
                    }
                }
            }
        }

        Assert.True(leaks.Count == 0, "Secure parameters leak into:\n" + string.Join('\n', leaks));
    }

    [Fact]
    public void Outputs_ReferenceNoSecureParameterNoSecretAndNoListFunction()
    {
        foreach (var template in infra.Templates)
        {
            foreach (var (name, output) in template.Outputs)
            {
                var type = output.String("type") ?? string.Empty;
                var value = output?["value"]?.ToJsonString() ?? string.Empty;
                Assert.False(type.StartsWith("secure", StringComparison.OrdinalIgnoreCase), $"{template.Path}: output {name} is {type}");
                Assert.DoesNotMatch(ListFunction(), value);
                foreach (var secure in template.SecureParameterNames)
                {
                    Assert.DoesNotContain($"parameters('{secure}')", value, StringComparison.Ordinal);
                }
            }
        }
    }

    [Fact]
    public void CompiledTemplate_ContainsNoLiteralTwilioCredential()
    {
        // Account SIDs and API key SIDs are AC/SK + 32 hex digits; auth tokens and key secrets are 32 characters.
        var literals = infra.Templates
            .SelectMany(t => t.Json.Strings(t.Path, skip: null))
            .Where(s => !s.Value.StartsWith('['))
            .Where(s => TwilioCredentialShape().IsMatch(s.Value))
            .Select(s => $"{s.Path} = {s.Value}")
            .Distinct()
            .ToList();

        Assert.True(literals.Count == 0, "Literal credentials in the template:\n" + string.Join('\n', literals));
    }

    [Fact]
    public void AppSettings_HoldNoSecretValues_OnlyKeyVaultReferencesForTheTwilioSecrets()
    {
        var settings = infra.All("Microsoft.Web/sites/config").Single(r => r.Name.Contains("'appsettings'", StringComparison.Ordinal));

        Assert.Empty(settings.Template.SecureParameterNames);
        Assert.Equal(
            "[format('@Microsoft.KeyVault(SecretUri={0})', parameters('twilioAuthTokenSecretUri'))]",
            settings.Properties.String("Twilio__AuthToken"));
        Assert.Equal(
            "[if(empty(parameters('twilioApiKeySecretUri')), '', format('@Microsoft.KeyVault(SecretUri={0})', parameters('twilioApiKeySecretUri')))]",
            settings.Properties.String("Twilio__ApiKeySecret"));
        // The literal (non-expression) settings are the known, harmless ones.
        var literals = settings.Properties!.AsObject()
            .Where(p => p.Value?.ToString() is { } v && !v.StartsWith('['))
            .Select(p => p.Key);
        Assert.Equal(["AzureWebJobsStorage__credential"], literals);
    }

    [Fact]
    public void KeyVault_UsesRbacAndHoldsTheTwilioSecrets()
    {
        var vault = infra.Single("Microsoft.KeyVault/vaults");
        Assert.True(vault.Properties.Bool("enableRbacAuthorization") ?? false, "the vault must use Azure RBAC");

        var secrets = infra.All("Microsoft.KeyVault/vaults/secrets");
        Assert.Contains(secrets, s => s.Properties.String("value") == "[parameters('twilioAuthToken')]");
        var apiKeySecret = Assert.Single(secrets, s => s.Properties.String("value") == "[parameters('twilioApiKeySecret')]");
        // An absent optional API key secret creates no empty secret.
        Assert.NotNull(apiKeySecret.Json.String("condition"));
    }

    private static bool IsAllowedSink(ArmResource resource, string path)
    {
        if (resource.Type == "Microsoft.KeyVault/vaults/secrets" && path == "properties.value")
        {
            return true;
        }

        var handedOn = ModuleParameterValue().Match(path);
        return resource.NestedTemplate is { } nested
            && handedOn.Success
            && nested.SecureParameterNames.Contains(handedOn.Groups["name"].Value);
    }

    [GeneratedRegex(@"^properties\.parameters\.(?<name>[^.]+)\.value$")]
    private static partial Regex ModuleParameterValue();

    [GeneratedRegex(@"\blist[A-Za-z]*\(")]
    private static partial Regex ListFunction();

    [GeneratedRegex(@"\b(AC|SK)[0-9a-fA-F]{32}\b|^[0-9a-fA-F]{32}$")]
    private static partial Regex TwilioCredentialShape();
}
