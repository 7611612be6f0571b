// Baocao in Azure: one resource group holding a Linux Function App on Flex Consumption that runs the app as a .NET
// isolated worker (the Functions host starts the published Baocao.dll and reads its functions.metadata), its storage
// (identity only, no keys), a Key Vault for its secrets, and Application Insights over Log Analytics. `azd up`
// provisions this, then publishes functions/ and deploys it as the `api` service (see azure.yaml).
targetScope = 'subscription'

@minLength(1)
@maxLength(48)
@description('Name of the azd environment; names and tags of every resource derive from it.')
param environmentName string

@minLength(1)
@description('Azure region of every resource; Flex Consumption must be offered there (for Vietnam, southeastasia or eastasia).')
param location string

@description('Resource group to create; empty for rg-{environmentName}.')
param resourceGroupName string = ''

@secure()
@description('SendGrid API key with Mail Send permission; stored in Key Vault only.')
param sendGridApiKey string

@secure()
@minLength(16)
@description('Admin key province staff send in X-Api-Key; stored in Key Vault only.')
param adminKey string

@secure()
@minLength(32)
@description('Review-link signing key in slot a; stored in Key Vault only.')
param reviewSigningKeyA string

@secure()
@minLength(32)
@description('Review-link signing key in slot b; stored in Key Vault only.')
param reviewSigningKeyB string

@allowed(['a', 'b'])
@description('The slot whose key signs new review links; links signed with the other slot\'s key stay valid.')
param reviewCurrentKeyId string = 'a'

@description('How long a review link in a mail can be used (d.hh:mm:ss, at most 90 days).')
param reviewLinkLifetime string = '14.00:00:00'

@description('Sender of every mail; must be a verified sender in SendGrid.')
param mailFromEmail string

@description('Display name of the sender.')
param mailFromName string = 'Baocao – Ban Dân vận Tỉnh ủy'

@description('Where people reach the app, if not the function app\'s own host name (a custom domain, for one).')
param publicBaseUrl string = ''

@description('IANA time zone people read dates in.')
param timeZone string = 'Asia/Ho_Chi_Minh'

@description('NCRONTAB (with seconds) of the workflow timer sweep: reminders, deadlines, escalations.')
param timerSweepSchedule string = '0 * * * * *'

@description('When the period reconciler starts the orchestrations of open periods that have none (NCRONTAB, with seconds).')
param periodReconcileSchedule string = '0 */10 * * * *'

@description('Seed the demo province when the catalogue is empty; for a trial environment only.')
param seedDemoData bool = false

@description('Largest single attachment, in bytes.')
param maxFileBytes int = 524288000

@description('Largest total of one submission\'s attachments, in bytes.')
param maxSubmissionBytes int = 1073741824

@description('Most instances Flex Consumption may scale out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory of one instance, in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Key Vault purge protection: on for anything real; off only for throw-away environments.')
param keyVaultPurgeProtection bool = true

var tags = { 'azd-env-name': environmentName, application: 'baocao' }

resource group 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName
  location: location
  tags: tags
}

module resources 'resources.bicep' = {
  name: 'baocao-resources'
  scope: group
  params: {
    location: location
    tags: tags
    resourceToken: toLower(uniqueString(subscription().id, environmentName, location))
    sendGridApiKey: sendGridApiKey
    adminKey: adminKey
    reviewSigningKeyA: reviewSigningKeyA
    reviewSigningKeyB: reviewSigningKeyB
    reviewCurrentKeyId: reviewCurrentKeyId
    reviewLinkLifetime: reviewLinkLifetime
    mailFromEmail: mailFromEmail
    mailFromName: mailFromName
    publicBaseUrl: publicBaseUrl
    timeZone: timeZone
    timerSweepSchedule: timerSweepSchedule
    periodReconcileSchedule: periodReconcileSchedule
    seedDemoData: seedDemoData
    maxFileBytes: maxFileBytes
    maxSubmissionBytes: maxSubmissionBytes
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    keyVaultPurgeProtection: keyVaultPurgeProtection
  }
}

output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = group.name
output AZURE_FUNCTION_APP_NAME string = resources.outputs.functionAppName
output BAOCAO_URL string = resources.outputs.publicBaseUrl
output AZURE_STORAGE_ACCOUNT_NAME string = resources.outputs.storageAccountName
output AZURE_KEY_VAULT_NAME string = resources.outputs.keyVaultName
