// The one identity the function app runs as. Every data-plane permission (storage, Application Insights,
// Key Vault) is granted to it in rbac.bicep, so nothing in the app needs a key or a connection string.

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region of the identity.')
param location string

@description('Tags applied to the identity.')
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id of the identity (for the site identity block and Key Vault references).')
output id string = identity.id

@description('Client id of the identity (AzureWebJobsStorage__clientId, Application Insights AAD auth).')
output clientId string = identity.properties.clientId

@description('Object id of the identity\'s service principal (role assignments).')
output principalId string = identity.properties.principalId

@description('Name of the identity.')
output name string = identity.name
