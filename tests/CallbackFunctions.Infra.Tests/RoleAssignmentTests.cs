namespace CallbackFunctions.Infra.Tests;

[Collection(CompiledInfraCollection.Name)]
public sealed class RoleAssignmentTests(CompiledInfra infra)
{
    [Theory]
    [InlineData("b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "Microsoft.Storage/storageAccounts")] // Storage Blob Data Owner
    [InlineData("974c5e8b-45b9-4653-ba55-5f855dd0fb88", "Microsoft.Storage/storageAccounts")] // Storage Queue Data Contributor
    [InlineData("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "Microsoft.Storage/storageAccounts")] // Storage Table Data Contributor
    [InlineData("3913510d-42f4-4e42-8a64-420c390055eb", "Microsoft.Insights/components")] // Monitoring Metrics Publisher
    [InlineData("4633458b-17de-408a-b874-0445c86b69e6", "Microsoft.KeyVault/vaults")] // Key Vault Secrets User
    public void Identity_IsGrantedTheRole_OnTheRightResource(string roleDefinitionGuid, string scopeType)
    {
        var assignments = infra.All("Microsoft.Authorization/roleAssignments")
            .Where(a => a.Template.ResolveVariables(a.Properties.String("roleDefinitionId") ?? string.Empty)
                .Contains($"'{roleDefinitionGuid}'", StringComparison.OrdinalIgnoreCase))
            .ToList();

        var assignment = Assert.Single(assignments);
        Assert.Contains("subscriptionResourceId('Microsoft.Authorization/roleDefinitions'", assignment.Properties.String("roleDefinitionId"));
        Assert.Equal("ServicePrincipal", assignment.Properties.String("principalType"));
        Assert.Equal("[parameters('principalId')]", assignment.Properties.String("principalId"));
        Assert.Contains(scopeType, assignment.Json.String("scope"));
        // Deterministic names: a redeploy updates the same assignment instead of failing on a duplicate.
        Assert.StartsWith("[guid(", assignment.Name);
        Assert.Contains("parameters('principalId')", assignment.Name);
    }

    [Fact]
    public void RoleAssignments_AreForTheIdentityTheSiteRunsAs()
    {
        var rbac = infra.Module("rbac");
        var api = infra.Module("api");

        Assert.Contains("'identity'", rbac.Properties.String("parameters.principalId.value"));
        Assert.Contains(".outputs.principalId.value", rbac.Properties.String("parameters.principalId.value"));
        Assert.Contains("'identity'", api.Properties.String("parameters.identityId.value"));
        Assert.Contains(".outputs.id.value", api.Properties.String("parameters.identityId.value"));
        Assert.Contains(".outputs.clientId.value", api.Properties.String("parameters.identityClientId.value"));
    }

    [Fact]
    public void FunctionApp_IsDeployedAfterItsRoleAssignments()
    {
        var dependsOn = infra.Module("api").Json["dependsOn"]?.AsArray().Select(d => d!.GetValue<string>()) ?? [];

        Assert.Contains(dependsOn, d => d.Contains("'rbac'", StringComparison.Ordinal));
    }
}
