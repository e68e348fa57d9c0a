using System.Text.RegularExpressions;

namespace CallbackFunctions.Infra.Tests;

[Collection(CompiledInfraCollection.Name)]
public sealed partial class RoleAssignmentTests(CompiledInfra infra)
{
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";

    private IReadOnlyList<ArmResource> Assignments => infra.All("Microsoft.Authorization/roleAssignments");

    [Theory]
    [InlineData(StorageBlobDataOwner, "Microsoft.Storage/storageAccounts")]
    [InlineData(StorageQueueDataContributor, "Microsoft.Storage/storageAccounts")]
    [InlineData(StorageTableDataContributor, "Microsoft.Storage/storageAccounts")]
    [InlineData(MonitoringMetricsPublisher, "Microsoft.Insights/components")]
    [InlineData(KeyVaultSecretsUser, "Microsoft.KeyVault/vaults")]
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
    public void StorageAccount_GrantsExactlyTheBlobQueueAndTableDataRolesDurableNeeds()
    {
        var onStorage = Assignments
            .Where(a => (a.Json.String("scope") ?? string.Empty).Contains("Microsoft.Storage/storageAccounts", StringComparison.Ordinal))
            .Select(RoleGuid)
            .Order(StringComparer.Ordinal);

        Assert.Equal(
            new[] { StorageBlobDataOwner, StorageQueueDataContributor, StorageTableDataContributor }.Order(StringComparer.Ordinal),
            onStorage);
    }

    [Fact]
    public void RoleAssignments_AreExactlyTheFiveTheAppUses()
    {
        Assert.Equal(
            new[]
            {
                StorageBlobDataOwner, StorageQueueDataContributor, StorageTableDataContributor, MonitoringMetricsPublisher,
                KeyVaultSecretsUser,
            }.Order(StringComparer.Ordinal),
            Assignments.Select(RoleGuid).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("8e3af657-a8ff-443c-a75c-2fe8c4bcb635")] // Owner
    [InlineData("b24988ac-6180-42a0-ab88-20f7382dd24c")] // Contributor
    [InlineData("18d7d88d-d35e-4fb5-a5c3-7773c20a72d9")] // User Access Administrator
    [InlineData("f58310d9-a9f6-439a-9e8d-f62e7b41a168")] // Role Based Access Control Administrator
    [InlineData("17d1049b-9a84-46fb-8f53-869881c3d3ab")] // Storage Account Contributor (reads the account keys)
    public void NoRoleAssignment_GrantsAManagementRole(string roleDefinitionGuid)
    {
        Assert.DoesNotContain(roleDefinitionGuid, Assignments.Select(RoleGuid));
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

    /// <summary>The built-in role's GUID, with the roles variable resolved; the raw expression if it names none.</summary>
    private static string RoleGuid(ArmResource assignment)
    {
        var roleDefinitionId = assignment.Template.ResolveVariables(assignment.Properties.String("roleDefinitionId") ?? string.Empty);
        var match = QuotedGuid().Match(roleDefinitionId);
        return match.Success ? match.Groups["guid"].Value.ToLowerInvariant() : roleDefinitionId;
    }

    [GeneratedRegex(@"'(?<guid>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})'")]
    private static partial Regex QuotedGuid();
}
