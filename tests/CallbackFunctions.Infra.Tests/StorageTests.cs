namespace CallbackFunctions.Infra.Tests;

[Collection(CompiledInfraCollection.Name)]
public sealed class StorageTests(CompiledInfra infra)
{
    [Fact]
    public void StorageAccount_DisallowsSharedKeysPublicBlobsPlainHttpAndOldTls()
    {
        var account = infra.Single("Microsoft.Storage/storageAccounts");

        Assert.Equal("StorageV2", account.Json.String("kind"));
        Assert.False(account.Properties.Bool("allowSharedKeyAccess") ?? true, "allowSharedKeyAccess must be the literal false");
        Assert.False(account.Properties.Bool("allowBlobPublicAccess") ?? true, "allowBlobPublicAccess must be the literal false");
        Assert.True(account.Properties.Bool("supportsHttpsTrafficOnly") ?? false, "supportsHttpsTrafficOnly must be the literal true");
        Assert.Equal("TLS1_2", account.Properties.String("minimumTlsVersion"));
    }

    [Fact]
    public void StorageAccount_HasPrivateDeploymentContainerAndTableAndQueueServices()
    {
        var container = infra.Single("Microsoft.Storage/storageAccounts/blobServices/containers");
        Assert.Equal("None", container.Properties.String("publicAccess"));

        infra.Single("Microsoft.Storage/storageAccounts/tableServices");
        infra.Single("Microsoft.Storage/storageAccounts/queueServices");
    }

    [Fact]
    public void DeploymentPackage_LivesInTheStorageContainerAndIsReadWithTheUserAssignedIdentity()
    {
        var storage = infra.Single("Microsoft.Web/sites").Properties?["functionAppConfig"]?["deployment"]?["storage"];

        Assert.Equal("blobContainer", storage.String("type"));
        Assert.Contains("primaryEndpoints.blob", storage.String("value"));
        Assert.Contains("parameters('deploymentContainerName')", storage.String("value"));
        Assert.Equal("UserAssignedIdentity", storage.String("authentication.type"));
        Assert.Equal("[parameters('identityId')]", storage.String("authentication.userAssignedIdentityResourceId"));
    }
}
