// Everything Baocao runs on, inside one resource group. Names follow the usual abbreviations plus a token unique to
// the subscription, environment and region.
param location string
param tags object
@minLength(13)
@maxLength(13)
@description('uniqueString of subscription, environment and region.')
param resourceToken string

@secure()
param sendGridApiKey string
@secure()
param adminKey string
@secure()
param reviewSigningKeyA string
@secure()
param reviewSigningKeyB string
@allowed(['a', 'b'])
param reviewCurrentKeyId string

param mailFromEmail string
param mailFromName string
param publicBaseUrl string
param timeZone string
param timerSweepSchedule string
param periodReconcileSchedule string
param reviewLinkLifetime string
param seedDemoData bool
param maxFileBytes int
param maxSubmissionBytes int
param maximumInstanceCount int
param instanceMemoryMB int
param keyVaultPurgeProtection bool

// Kept in step with functions/Storage/StorageNames.cs by a test.
var tables = ['catalog', 'apikeys', 'workflow', 'timers', 'uploads']
var containers = ['attachments', 'exports']
var queues = ['outbox', 'outbox-poison']
var deploymentContainer = 'app-package'

var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${resourceToken}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${resourceToken}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
  }
}

// Identity-only storage: the host, the deployment and the app all reach it with the app's managed identity.
resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'st${resourceToken}'
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
  }

  resource blobService 'blobServices' = {
    name: 'default'
    properties: {
      deleteRetentionPolicy: { enabled: true, days: 14 }
      containerDeleteRetentionPolicy: { enabled: true, days: 14 }
    }
    resource container 'containers' = [for name in concat(containers, [deploymentContainer]): {
      name: name
      properties: { publicAccess: 'None' }
    }]
  }

  resource queueService 'queueServices' = {
    name: 'default'
    resource queue 'queues' = [for name in queues: {
      name: name
    }]
  }

  resource tableService 'tableServices' = {
    name: 'default'
    resource table 'tables' = [for name in tables: {
      name: name
    }]
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv-${resourceToken}'
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 30
    enablePurgeProtection: keyVaultPurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
  }

  resource sendGridSecret 'secrets' = {
    name: 'sendgrid-api-key'
    properties: { value: sendGridApiKey, contentType: 'SendGrid API key' }
  }

  resource adminSecret 'secrets' = {
    name: 'admin-key'
    properties: { value: adminKey, contentType: 'Baocao admin key (X-Api-Key)' }
  }

  // Two slots for the keys that sign review links, so rotating never breaks links in flight: put a new key in the
  // slot that is not current, make it current, and the old one still verifies links until they expire.
  resource reviewKeyA 'secrets' = {
    name: 'review-signing-key-a'
    properties: { value: reviewSigningKeyA, contentType: 'Baocao review-link signing key, slot a' }
  }

  resource reviewKeyB 'secrets' = {
    name: 'review-signing-key-b'
    properties: { value: reviewSigningKeyB, contentType: 'Baocao review-link signing key, slot b' }
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${resourceToken}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

// The Functions host runs the app as a .NET isolated worker (runtime "dotnet-isolated"): it starts the published
// Baocao.dll, takes the functions from functions.metadata, and forwards HTTP requests to the worker's ASP.NET Core
// pipeline. The .NET version is the app's target framework (net10.0 in Directory.Build.props), not a per-environment
// choice: change both together. azd deploys the publish output to the deployment container below, finding the site by
// its azd-service-name tag.
resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: 'func-${resourceToken}'
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: 'SystemAssigned'
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: { type: 'SystemAssignedIdentity' }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: { name: 'dotnet-isolated', version: '10.0' }
    }
  }
}

var baseUrl = empty(publicBaseUrl) ? 'https://${app.properties.defaultHostName}' : publicBaseUrl

// Every setting the app reads (local.settings.sample.json, checked by a test); secrets are Key Vault references.
// FUNCTIONS_WORKER_RUNTIME is absent on purpose: Flex Consumption takes the runtime from functionAppConfig.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: {
    AzureWebJobsStorage__accountName: storage.name
    APPLICATIONINSIGHTS_CONNECTION_STRING: insights.properties.ConnectionString
    Baocao__AdminKey: '@Microsoft.KeyVault(SecretUri=${vault::adminSecret.properties.secretUri})'
    Baocao__TimeZone: timeZone
    Baocao__PublicBaseUrl: baseUrl
    Baocao__SeedDemoData: string(seedDemoData)
    Baocao__DemoUnitKey: ''
    Baocao__StartLocalAzurite: 'false'
    // The schedule of the workflow's timer trigger (%Baocao_TimerSweepSchedule%); the outbox queue trigger's retries
    // (maxDequeueCount, visibility timeout) are in host.json, extensions.queues.
    Baocao_TimerSweepSchedule: timerSweepSchedule
    // The period reconciler's schedule (%Baocao_PeriodReconcileSchedule%): a period opened by a process that died before
    // starting its orchestration is started at the next run.
    Baocao_PeriodReconcileSchedule: periodReconcileSchedule
    // Storage in the same region answers in milliseconds; a try with no answer after this is given up (three tries).
    Storage__NetworkTimeout: '00:00:04'
    Mail__SendGridApiKey: '@Microsoft.KeyVault(SecretUri=${vault::sendGridSecret.properties.secretUri})'
    Mail__SendGridHost: ''
    Mail__FromEmail: mailFromEmail
    Mail__FromName: mailFromName
    Mail__UseLocalSink: 'false'
    Submissions__MaxFileBytes: string(maxFileBytes)
    Submissions__MaxSubmissionBytes: string(maxSubmissionBytes)
    Submissions__IdempotencyKeyLifetime: '1.00:00:00'
    Submissions__UploadLifetime: '1.00:00:00'
    RateLimits__PerKeyPerMinute: '600'
    RateLimits__PerAddressPerMinute: '3000'
    // Reminders go out in working hours in Asia/Ho_Chi_Minh, never on a holiday; update the list each year.
    Reminders__WorkdayStart: '07:30'
    Reminders__WorkdayEnd: '17:00'
    Reminders__WorkingDays: 'Monday,Tuesday,Wednesday,Thursday,Friday'
    Reminders__Holidays: '2026-01-01,2026-02-16,2026-02-17,2026-02-18,2026-02-19,2026-02-20,2026-04-27,2026-04-30,2026-05-01,2026-09-01,2026-09-02,2027-01-01,2027-04-30,2027-05-03,2027-09-02'
    Reminders__ReviewLimit: '3.00:00:00'
    'Reminders__StageLimits__PHE-DUYET': '2.00:00:00'
    Review__CurrentKeyId: reviewCurrentKeyId
    Review__SigningKeys__a: '@Microsoft.KeyVault(SecretUri=${vault::reviewKeyA.properties.secretUri})'
    Review__SigningKeys__b: '@Microsoft.KeyVault(SecretUri=${vault::reviewKeyB.properties.secretUri})'
    Review__LinkLifetime: reviewLinkLifetime
  }
  dependsOn: [storageRoles, secretsRole]
}

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [roles.storageBlobDataOwner, roles.storageQueueDataContributor, roles.storageTableDataContributor]: {
  name: guid(storage.id, app.id, role)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
  }
}]

resource secretsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, app.id, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

output functionAppName string = app.name
output publicBaseUrl string = baseUrl
output storageAccountName string = storage.name
output keyVaultName string = vault.name
