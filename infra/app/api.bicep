// The function app: a Flex Consumption (FC1, Linux) plan and the site that runs CallbackFunctions as a .NET 10
// isolated-worker app (runtime 'dotnet-isolated' 10.0) with Durable Functions on the Azure Storage backend.
// It runs as the user-assigned identity for everything: host and Durable storage, the deployment package,
// telemetry and the Key Vault references to the Twilio secrets. No key or connection string with a key is in its
// settings.

@description('Name of the function app (globally unique: it is the default host name).')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region of the plan and the app (a region that offers Flex Consumption).')
param location string

@description('Tags applied to the plan and the app; the app also gets azd-service-name.')
param tags object = {}

@description('Service name in azure.yaml; azd finds the app to deploy to by this tag.')
param serviceName string = 'api'

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of the user-assigned identity the app runs as.')
param identityClientId string

@description('Name of the storage account for AzureWebJobsStorage and the deployment package.')
param storageAccountName string

@description('Name of the blob container that holds the deployment package.')
param deploymentContainerName string

@description('Name of the Application Insights component the app sends telemetry to.')
param applicationInsightsName string

@description('Twilio account SID (AC...): not a secret.')
param twilioAccountSid string

@description('Twilio API key SID (SK...), or empty to authenticate with the account SID and auth token.')
param twilioApiKeySid string = ''

@description('Version-less Key Vault secret URI of the Twilio auth token.')
param twilioAuthTokenSecretUri string

@description('Version-less Key Vault secret URI of the Twilio API key secret, or empty when there is none.')
param twilioApiKeySecretUri string = ''

@description('Public base URL Twilio calls and signs (no trailing slash); empty means https://{the app\'s default host name}.')
param twilioWebhookBaseUrl string = ''

@description('Most instances the plan scales each function group out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory of each instance in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Always-ready instances of the http function group (every HTTP-triggered function).')
@minValue(0)
@maxValue(20)
param alwaysReadyHttpInstanceCount int = 1

@description('Always-ready instances of the durable function group (orchestrator, activity and entity triggers).')
@minValue(0)
@maxValue(20)
param alwaysReadyDurableInstanceCount int = 1

@description('Durable Functions task hub name (letters and digits); host.json reads it as %DurableTaskHubName%.')
@minLength(3)
@maxLength(45)
param durableTaskHubName string

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true // Linux
  }
}

resource functionApp 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references resolve with this identity (the site has no system-assigned one).
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        // Flex scales HTTP triggers as one group and Durable triggers as another. The scale controller looks at the
        // task hub queues about every 10 s: a warm durable instance picks up due timers and raised events at once,
        // a warm http instance answers Twilio's webhooks (15 s budget) without a cold start.
        alwaysReady: [
          {
            name: 'http'
            instanceCount: alwaysReadyHttpInstanceCount
          }
          {
            name: 'durable'
            instanceCount: alwaysReadyDurableInstanceCount
          }
        ]
      }
      // The isolated worker: the host starts CallbackFunctions.dll as a .NET 10 worker process and talks to it over gRPC.
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// The URL Twilio signs its requests with; behind the host the app sees only http://127.0.0.1, so it must be told.
var webhookBaseUrl = empty(twilioWebhookBaseUrl) ? 'https://${functionApp.properties.defaultHostName}' : twilioWebhookBaseUrl

// Separate from the site so the settings can use the site's own default host name.
// Flex Consumption takes the runtime from functionAppConfig: FUNCTIONS_WORKER_RUNTIME and
// FUNCTIONS_EXTENSION_VERSION must not be set here.
resource appSettings 'Microsoft.Web/sites/config@2024-11-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: {
    // Host and Durable storage through the managed identity (no connection string, shared keys are off).
    AzureWebJobsStorage__accountName: storage.name
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    // The Durable task hub (its queues, tables and blobs live in the AzureWebJobsStorage account).
    DurableTaskHubName: durableTaskHubName
    // Telemetry with Entra ID auth: the component's local auth is disabled.
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    Twilio__AccountSid: twilioAccountSid
    Twilio__AuthToken: '@Microsoft.KeyVault(SecretUri=${twilioAuthTokenSecretUri})'
    // Empty when the deployment has no API key: the app then uses the account SID and auth token.
    Twilio__ApiKeySid: twilioApiKeySid
    Twilio__ApiKeySecret: empty(twilioApiKeySecretUri) ? '' : '@Microsoft.KeyVault(SecretUri=${twilioApiKeySecretUri})'
    Twilio__WebhookBaseUrl: webhookBaseUrl
  }
}

// Deployments sign in with Entra ID (azd, az functionapp deployment): no FTP or SCM basic-auth credentials.
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

@description('Name of the function app.')
output name string = functionApp.name

@description('Default https URL of the function app.')
output url string = 'https://${functionApp.properties.defaultHostName}'

@description('Base URL Twilio calls (the override, or the default https URL).')
output webhookBaseUrl string = webhookBaseUrl
