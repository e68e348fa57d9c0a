// CallbackFunctions on Azure: a Flex Consumption function app (.NET 10 isolated worker with Durable Functions on
// Azure Storage) with its storage, monitoring, identity, key vault and role assignments, deployed into an existing
// resource group.
//
// Resource-group scope so that an operator needs rights on one resource group only (Contributor plus Role Based
// Access Control Administrator there) and can deploy with plain `az deployment group create`; azd handles it too
// (it asks for, or creates, the group named by AZURE_RESOURCE_GROUP).
targetScope = 'resourceGroup'

@description('Name of the environment (for example callbacks-prod); it seeds the unique resource names and the azd-env-name tag.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Azure region for every resource; it must offer the Flex Consumption plan (az functionapp list-flexconsumption-locations).')
@minLength(1)
@metadata({
  azd: {
    type: 'location'
  }
})
param location string = resourceGroup().location

@description('Twilio account SID (AC followed by 32 hex digits). Not a secret.')
@minLength(34)
@maxLength(34)
param twilioAccountSid string

@description('Twilio auth token. Stored in Key Vault; the app reads it through a Key Vault reference. It also validates webhook signatures.')
@secure()
param twilioAuthToken string

@description('Twilio API key SID (SK...) for REST calls, or empty to call with the account SID and auth token.')
param twilioApiKeySid string = ''

@description('Twilio API key secret matching twilioApiKeySid, or empty. Stored in Key Vault when given.')
@secure()
param twilioApiKeySecret string = ''

@description('Public base URL that Twilio calls and signs (for example a custom domain in front of the app). Empty means the function app\'s default https URL.')
param twilioWebhookBaseUrl string = ''

@description('Most instances the Flex Consumption plan scales each function group out to (40-1000).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory of each Flex Consumption instance in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

// Each at most 20, so the two groups together stay within the smallest maximumInstanceCount (40).
@description('Always-ready instances of the http group (Twilio webhooks, management API): they answer without a cold start. Billed around the clock; 0 lets the group scale to zero.')
@minValue(0)
@maxValue(20)
param alwaysReadyHttpInstanceCount int = 1

@description('Always-ready instances of the durable group (orchestrations, activities): they keep polling the task hub queues, so durable timers and raised events are picked up without waiting for the scale controller. Billed around the clock; Microsoft recommends 1 for Durable Functions on Flex Consumption.')
@minValue(0)
@maxValue(20)
param alwaysReadyDurableInstanceCount int = 1

// Letters and digits only, starting with a letter (the Azure Storage backend's rule): Bicep cannot check a pattern,
// so a bad name fails when the host starts, not at deployment.
@description('Durable Functions task hub name (3-45 letters and digits, starting with a letter): the prefix of the task hub\'s queues, tables and blob containers in the storage account. Changing it starts an empty task hub; orchestrations in the old one are no longer worked on.')
@minLength(3)
@maxLength(45)
param durableTaskHubName string = 'Callbacks'

var resourceToken = toLower(uniqueString(resourceGroup().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var functionAppName = 'func-${resourceToken}'
// A trailing slash would double the slash in every webhook URL and break Twilio's signature check.
var webhookBaseUrlOverride = endsWith(twilioWebhookBaseUrl, '/')
  ? take(twilioWebhookBaseUrl, length(twilioWebhookBaseUrl) - 1)
  : twilioWebhookBaseUrl

module identity 'app/identity.bicep' = {
  name: 'identity'
  params: {
    name: 'id-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: 'app-package'
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
  }
}

module keyVault 'app/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    twilioAuthToken: twilioAuthToken
    twilioApiKeySecret: twilioApiKeySecret
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    keyVaultName: keyVault.outputs.name
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    serviceName: 'api'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    twilioAccountSid: twilioAccountSid
    twilioApiKeySid: twilioApiKeySid
    twilioAuthTokenSecretUri: keyVault.outputs.twilioAuthTokenSecretUri
    twilioApiKeySecretUri: keyVault.outputs.twilioApiKeySecretUri
    twilioWebhookBaseUrl: webhookBaseUrlOverride
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    alwaysReadyHttpInstanceCount: alwaysReadyHttpInstanceCount
    alwaysReadyDurableInstanceCount: alwaysReadyDurableInstanceCount
    durableTaskHubName: durableTaskHubName
  }
  // The host reaches storage and Key Vault as soon as the site exists: grant the identity its roles first.
  dependsOn: [
    rbac
  ]
}

@description('Name of the function app.')
output AZURE_FUNCTION_APP_NAME string = api.outputs.name

@description('Default https URL of the function app.')
output AZURE_FUNCTION_APP_URL string = api.outputs.url

@description('Twilio webhook for lost calls: an <Enqueue action>, a <Dial action> or a call StatusCallback (add ?queue=Q).')
output TWILIO_MISSED_CALL_WEBHOOK_URL string = '${api.outputs.webhookBaseUrl}/api/twilio/missed-call'

@description('Twilio webhook for the IVR callback node (add ?delayMinutes=N&queue=Q).')
output TWILIO_IVR_CALLBACK_WEBHOOK_URL string = '${api.outputs.webhookBaseUrl}/api/twilio/ivr-callback'

@description('The web console for agents and supervisors (it asks once for a function key).')
output CONSOLE_URL string = '${api.outputs.url}/console'

@description('Name of the storage account (host storage, the Durable task hub, our tables, the deployment package).')
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name

@description('Name of the key vault holding the Twilio secrets (rotate them there).')
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
