// The storage account behind everything durable: the Functions host (AzureWebJobsStorage), the Durable Functions
// task hub (queues, tables, blobs), the callback projections (Table Storage) and the Flex Consumption deployment
// package (a blob container). Shared keys are off: every client signs in with Microsoft Entra ID (the app's managed
// identity).

@description('Name of the storage account (3-24 lowercase letters and digits, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region of the storage account.')
param location string

@description('Tags applied to the storage account.')
param tags object = {}

@description('Name of the blob container that holds the Flex Consumption deployment package.')
param deploymentContainerName string

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    dnsEndpointType: 'Standard'
    // Twilio's webhooks reach the app, not storage; the Flex Consumption host reaches storage over its public
    // endpoint unless the app is put in a virtual network (not done here), so the network stays open and
    // Entra ID RBAC is the gate.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }

  resource blobServices 'blobServices' = {
    name: 'default'

    resource deploymentContainer 'containers' = {
      name: deploymentContainerName
      properties: {
        publicAccess: 'None'
      }
    }
  }

  // The task hub's History and Instances tables (Durable creates them) and our projections: callbacks, timelines,
  // rules, agents (the app creates them on start-up).
  resource tableServices 'tableServices' = {
    name: 'default'
  }

  // The task hub's control queues and work-item queue. Durable creates them.
  resource queueServices 'queueServices' = {
    name: 'default'
  }
}

@description('Name of the storage account.')
output name string = storage.name

@description('Resource id of the storage account.')
output id string = storage.id

@description('Blob endpoint of the storage account, ending in a slash.')
output blobEndpoint string = storage.properties.primaryEndpoints.blob

@description('Name of the deployment package container.')
output deploymentContainerName string = storage::blobServices::deploymentContainer.name
