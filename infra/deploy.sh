#!/usr/bin/env bash
# Publishes Baocao as a Functions app folder and zip-deploys it to the function app that infra/main.bicep created.
# Run by `azd up` after provisioning; run it alone to redeploy code. Needs the .NET SDK, the Azure CLI (signed in) and
# azd's environment (or AZURE_FUNCTION_APP_NAME and AZURE_RESOURCE_GROUP set).
set -euo pipefail
cd "$(dirname "$0")/.."

app="${AZURE_FUNCTION_APP_NAME:-$(azd env get-value AZURE_FUNCTION_APP_NAME)}"
group="${AZURE_RESOURCE_GROUP:-$(azd env get-value AZURE_RESOURCE_GROUP)}"
root=artifacts/functionapp
package=artifacts/functionapp.zip

# Publishing into a folder named "app" also writes host.json and the function.json folders beside it.
rm -rf "$root" "$package"
dotnet publish functions -c Release -r linux-x64 --self-contained -o "$root/app" -nologo

# Zip with Unix modes kept, so app/Baocao stays executable for the host.
python3 - "$root" "$package" <<'PY'
import os, sys, zipfile
root, package = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
    for folder, _, files in os.walk(root):
        for name in sorted(files):
            path = os.path.join(folder, name)
            info = zipfile.ZipInfo.from_file(path, os.path.relpath(path, root))
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as source:
                archive.writestr(info, source.read())
PY

az functionapp deployment source config-zip --resource-group "$group" --name "$app" --src "$package"
echo "Deployed to https://$(az functionapp show -g "$group" -n "$app" --query defaultHostName -o tsv)/api/health"
