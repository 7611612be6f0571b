#!/usr/bin/env sh
# Before provisioning: the secrets Bicep stores in Key Vault. Keys the app owns are generated once and kept in the
# azd environment (.azure/<env>/.env, never committed), so provisioning again does not rotate them by accident.
# The SendGrid key and the sender address come from the province's SendGrid account.
set -eu

value() { azd env get-value "$1" 2>/dev/null || true; }
random_key() { head -c 48 /dev/urandom | base64 | tr -d '\n/+=' | cut -c1-48; }

if [ -z "$(value BAOCAO_ADMIN_KEY)" ]; then
  azd env set BAOCAO_ADMIN_KEY "$(random_key)"
  echo "Generated the admin key; read it with: azd env get-value BAOCAO_ADMIN_KEY"
fi
for name in BAOCAO_REVIEW_KEY_A BAOCAO_REVIEW_KEY_B; do
  if [ -z "$(value "$name")" ]; then azd env set "$name" "$(random_key)"; fi
done
if [ -z "$(value BAOCAO_REVIEW_CURRENT_KEY)" ]; then azd env set BAOCAO_REVIEW_CURRENT_KEY a; fi

for name in SENDGRID_API_KEY BAOCAO_MAIL_FROM; do
  if [ -z "$(value "$name")" ]; then
    if [ -t 0 ]; then
      printf '%s: ' "$name"
      read -r answer
      azd env set "$name" "$answer"
    else
      echo "Set $name first: azd env set $name <value>" >&2
      exit 1
    fi
  fi
done
