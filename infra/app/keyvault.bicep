// The Twilio secrets live here, not in app settings: the function app reads them through Key Vault references
// resolved with its user-assigned identity (Key Vault Secrets User, granted in rbac.bicep). The vault uses
// Azure RBAC, not access policies. Secrets are written through Azure Resource Manager, so the deploying
// operator needs no data-plane role on the vault.

@description('Name of the key vault (3-24 letters, digits and hyphens, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region of the key vault.')
param location string

@description('Tags applied to the key vault.')
param tags object = {}

@description('Twilio auth token, stored as the secret twilio-auth-token.')
@secure()
param twilioAuthToken string

@description('Twilio API key secret, stored as the secret twilio-api-key-secret; empty means no API key (the auth token is used).')
@secure()
param twilioApiKeySecret string = ''

@description('Days a deleted vault or secret can be recovered.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 7

var authTokenSecretName = 'twilio-auth-token'
var apiKeySecretName = 'twilio-api-key-secret'
var hasApiKeySecret = !empty(twilioApiKeySecret)

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    // The Functions host resolves Key Vault references from outside any virtual network.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }

  resource authToken 'secrets' = {
    name: authTokenSecretName
    properties: {
      value: twilioAuthToken
      contentType: 'text/plain'
    }
  }

  resource apiKeySecret 'secrets' = if (hasApiKeySecret) {
    name: apiKeySecretName
    properties: {
      value: twilioApiKeySecret
      contentType: 'text/plain'
    }
  }
}

@description('Name of the key vault.')
output name string = vault.name

// Version-less URIs: a reference follows the secret's latest version, so rotating the token needs no redeploy.
@description('Version-less URI of the Twilio auth token secret.')
output twilioAuthTokenSecretUri string = vault::authToken.properties.secretUri

@description('Version-less URI of the Twilio API key secret, or empty when no API key secret was given.')
output twilioApiKeySecretUri string = hasApiKeySecret ? '${vault.properties.vaultUri}secrets/${apiKeySecretName}' : ''
