#!/usr/bin/env bash
# The whole story against a running app (./dev run, in another terminal), one HTTP call after another with curl and jq:
#   1. the catalogue: read a unit, save a template for a thematic report, plan and open a thematic period
#   2. a unit key: issue one, and with it list the unit's open periods and read the period's template
#   3. the unit submits its report with a file (multipart: a `report` JSON part and an `attachments` part)
#   4. the reviewer and then the leader open the link in their mail and approve through the page's form
#   5. the unit's receipt mail, and the report read back: approved
#   6. the dashboard, signed in with the admin key, shows the unit approved; the exports download
#   7. the walk's unit key is revoked (the unit keeps its own)
# Usage: scripts/walk.sh   (BAOCAO_URL, BAOCAO_ADMIN_KEY and WALK_OUT override the defaults below)
# Each step checks its status and its key facts and stops the walk, saying why, at the first that is wrong.
set -euo pipefail

BASE=${BAOCAO_URL:-http://localhost:7071}
ADMIN_KEY=${BAOCAO_ADMIN_KEY:-local-admin-key-0123456789}   # Baocao__AdminKey in local.settings.sample.json
UNIT=HU-DONGSON                                               # Ban Dân vận Huyện ủy Đông Sơn, of the demo province
REVIEWER=thuha.bdv@anhoa.example                              # the period's first stage (THAM-DINH)
LEADER=tvdung.truongban@anhoa.example                         # its second stage (PHE-DUYET)

for tool in curl jq; do command -v "$tool" >/dev/null || { echo "walk: needs $tool" >&2; exit 2; }; done
WORK=$(mktemp -d)
OUT=${WALK_OUT:-$WORK}
mkdir -p "$OUT"
BODY=$WORK/body
STEP="start"

step() { STEP=$1; printf '\n== %s\n' "$1"; }
fail() { printf 'walk: step "%s" failed: %s\n' "$STEP" "$1" >&2; exit 1; }
say() { printf '   %s\n' "$1"; }

# call EXPECTED METHOD PATH [curl options…]: the answer's body lands in $BODY; any other status ends the walk.
call() {
  local expected=$1 method=$2 path=$3
  shift 3
  local status
  status=$(curl -sS -o "$BODY" -w '%{http_code}' -X "$method" "$@" "$BASE$path") || fail "$method $path: no answer from $BASE (is ./dev run running?)"
  [ "$status" = "$expected" ] || fail "$method $path answered $status, expected $expected: $(head -c 800 "$BODY")"
}
admin() { call "$1" "$2" "$3" -H "X-Api-Key: $ADMIN_KEY" "${@:4}"; }
json() { jq -e "$@" "$BODY" >/dev/null || fail "the answer lacks $1: $(head -c 800 "$BODY")"; }

# hidden_fields PAGE: a --data-urlencode option per hidden input of the page's form, to send back unchanged.
hidden_fields() {
  FIELDS=()
  while IFS= read -r input; do
    local name=${input#*name=\"}; name=${name%%\"*}
    local value=${input#*value=\"}; value=${value%%\"*}
    FIELDS+=(--data-urlencode "$name=$value")
  done < <(grep -o '<input type="hidden" name="[^"]*" value="[^"]*"' "$1")
  [ ${#FIELDS[@]} -gt 0 ] || fail "the page has no form"
}

# mail_to EMAIL CATEGORY: waits (the outbox sends in the background) for this report's mail to EMAIL, into $WORK/mail.
mail_to() {
  for _ in $(seq 120); do
    call 200 GET /api/dev/mail
    if jq -e --arg to "$1" --arg category "$2" --arg id "$INSTANCE" \
        '[.[] | select(.customArgs.instanceId == $id and (.to | index($to)) and (.categories | index($category)))] | last' \
        "$BODY" >"$WORK/mail"; then
      say "mail to $1: $(jq -r .subject "$WORK/mail")"
      return
    fi
    sleep 0.5
  done
  fail "no $2 mail to $1 within a minute"
}

# decide EMAIL: the link in EMAIL's review request; GET shows the page (and changes nothing), POST of its form approves.
decide() {
  mail_to "$1" review-request
  local link
  link=$(jq -r .text "$WORK/mail" | grep -o '/api/review/[A-Za-z0-9._-]*' | head -1)
  [ -n "$link" ] || fail "the mail to $1 has no review link"
  local jar=$WORK/cookies-$1
  call 200 GET "$link" -c "$jar"
  cp "$BODY" "$WORK/page.html"
  grep -q 'name="decision" value="approve"' "$WORK/page.html" || fail "the review page has no «Duyệt» button"
  hidden_fields "$WORK/page.html"
  call 200 POST "$link" -b "$jar" "${FIELDS[@]}" --data-urlencode decision=approve --data-urlencode "comment=$2"
  grep -q 'Đã ghi nhận: duyệt' "$BODY" || fail "the decision was not recorded: $(grep -o '<h1>[^<]*' "$BODY")"
  say "$1 approved: «Đã ghi nhận: duyệt»"
}

step "0. The app answers"
call 200 GET /api/health
say "$BASE: $(jq -r .status "$BODY")"

step "1. Catalogue: a unit, a template, a thematic period"
admin 200 GET "/api/catalog/units/$UNIT"
say "unit $UNIT: $(jq -r .name "$BODY"), under $(jq -r .parent "$BODY")"
# Saving a template again makes a new version, so the walk can run again; periods pin the version they were planned with.
admin 201 POST /api/catalog/templates -H 'Content-Type: application/json' --data-binary @- <<'JSON'
{
  "code": "NQ09-SO-KET",
  "name": "Báo cáo sơ kết 1 năm thực hiện Nghị quyết số 09-NQ/TU",
  "description": "Kết quả một năm thực hiện Nghị quyết của Ban Thường vụ Tỉnh ủy về phong trào thi đua «Dân vận khéo».",
  "sections": [
    { "code": "KET-QUA", "title": "I. Kết quả thực hiện Nghị quyết", "narrativeRequired": true,
      "guidance": "Công tác quán triệt, ban hành kế hoạch; kết quả nổi bật sau một năm.",
      "indicators": [
        { "code": "NQ_HOI_NGHI", "name": "Số hội nghị quán triệt Nghị quyết", "type": "integer", "unit": "hội nghị", "required": true, "min": 0 },
        { "code": "NQ_MO_HINH", "name": "Số mô hình «Dân vận khéo» xây dựng mới", "type": "integer", "unit": "mô hình", "required": true, "min": 0 },
        { "code": "NQ_MO_HINH_NHAN_RONG", "name": "Trong đó: được nhân rộng", "type": "integer", "unit": "mô hình", "min": 0, "partOf": "NQ_MO_HINH" },
        { "code": "NQ_KE_HOACH", "name": "Đã ban hành kế hoạch thực hiện", "type": "yesNo" }
      ] },
    { "code": "PHUONG-HUONG", "title": "II. Hạn chế và phương hướng thời gian tới", "narrativeRequired": true }
  ],
  "reminders": [
    { "offset": "-P3D", "audience": "unitReportingOfficer", "template": "reminder-before" },
    { "offset": "PT0S", "audience": "unitReportingOfficer", "template": "reminder-due" },
    { "offset": "P2D", "audience": "unitHead", "template": "escalation" }
  ]
}
JSON
json '.version > 0'
TEMPLATE_VERSION=$(jq -r .version "$BODY")
say "template NQ09-SO-KET, version $TEMPLATE_VERSION"

# The worked example of docs/catalogue.md, with its dates moved to today: the data window is the year that ended
# yesterday, the deadline three weeks from today at 17:00 Hà Nội time (at the earliest, the day after the window ends).
PERIOD=${WALK_PERIOD:-NQ09-1-NAM-$(date +%Y%m%d-%H%M%S)}
jq -n --arg id "$PERIOD" '
  (now | strftime("%Y-%m-%d")) as $today
  | (now - 86400 | strftime("%Y-%m-%d")) as $to
  | ($to | strptime("%Y-%m-%d") | .[0] -= 1 | mktime + 86400 | strftime("%Y-%m-%d")) as $from
  | {
      type: "thematic", year: ($to[0:4] | tonumber), id: $id,
      name: "Sơ kết 1 năm thực hiện Nghị quyết số 09-NQ/TU về phong trào thi đua «Dân vận khéo»",
      templateCode: "NQ09-SO-KET",
      dataFrom: $from, dataTo: $to,
      deadline: (now + 21 * 86400 | strftime("%Y-%m-%d") + "T17:00"),
      scope: { root: "BDV-TU" },
      stages: [
        { code: "THAM-DINH", name: "Chuyên viên thẩm định", assignees: [ { name: "Nguyễn Thị Thu Hà", email: "thuha.bdv@anhoa.example" } ] },
        { code: "PHE-DUYET", name: "Lãnh đạo Ban phê duyệt", assignees: [ { name: "Trần Văn Dũng", email: "tvdung.truongban@anhoa.example" } ] }
      ]
    }' >"$WORK/period.json"
admin 201 POST /api/catalog/periods -H 'Content-Type: application/json' --data-binary @"$WORK/period.json"
json --arg v "$TEMPLATE_VERSION" '.status == "planned" and .type == "thematic" and (.templateVersion | tostring) == $v'
say "period $PERIOD: data $(jq -r .dataFrom "$BODY") to $(jq -r .dataTo "$BODY"), deadline $(jq -r .deadline "$BODY")"
admin 200 POST "/api/catalog/periods/$PERIOD/open"
json '.status == "open"'
say "opened: every active unit below BDV-TU reports (BDV-TU itself does not)"
INSTANCE="$PERIOD~$UNIT"

step "2. A unit key"
admin 201 POST "/api/catalog/units/$UNIT/keys"
json '.key | startswith("bc_")'
UNIT_KEY=$(jq -r .key "$BODY")
KEY_ID=$(jq -r .keyId "$BODY")
# A unit holds at most two live keys: give this one back however the walk ends.
trap 'curl -sS -o /dev/null -X DELETE -H "X-Api-Key: $ADMIN_KEY" "$BASE/api/catalog/units/$UNIT/keys/$KEY_ID" || true' EXIT
say "key $KEY_ID issued (shown once)"
call 200 GET "/api/periods?status=open" -H "X-Api-Key: $UNIT_KEY"
json --arg p "$PERIOD" 'any(.[]; .id == $p)'
say "the unit's open periods include $PERIOD"
call 200 GET "/api/periods/$PERIOD/template" -H "X-Api-Key: $UNIT_KEY"
say "its template: $(jq -r '[.sections[].indicators // [] | .[].code] | join(", ")' "$BODY")"

step "3. The unit submits its report with a file"
FILE="$WORK/Báo cáo sơ kết 1 năm Nghị quyết 09 – Đông Sơn.pdf"
printf '%%PDF-1.4\n%% Báo cáo sơ kết 1 năm thực hiện Nghị quyết số 09-NQ/TU\n%%%%EOF\n' >"$FILE"
cat >"$WORK/report.json" <<'JSON'
{
  "values": { "NQ_HOI_NGHI": 12, "NQ_MO_HINH": 9, "NQ_MO_HINH_NHAN_RONG": 4, "NQ_KE_HOACH": true },
  "narratives": {
    "KET-QUA": "Tổ chức 12 hội nghị quán triệt đến 100% chi bộ; xây dựng mới 9 mô hình «Dân vận khéo».",
    "PHUONG-HUONG": "Nhân rộng mô hình ở các xã miền núi; sơ kết 2 năm vào quý IV."
  },
  "note": "Gửi kèm bản quét báo cáo có chữ ký."
}
JSON
call 201 POST "/api/periods/$PERIOD/reports/$UNIT/submissions" -H "X-Api-Key: $UNIT_KEY" -H "Idempotency-Key: walk-$PERIOD" \
  -F "report=<$WORK/report.json;type=application/json" -F "attachments=@$FILE;type=application/pdf"
json '.version == 1 and (.receipt | length) == 64 and (.attachments | length) == 1'
RECEIPT=$(jq -r .receipt "$BODY")
say "version 1, receipt (SHA-256) $RECEIPT, file «$(jq -r '.attachments[0].fileName' "$BODY")», late: $(jq -r .late "$BODY")"

step "4. The reviewer, then the leader, decide from their mail"
decide "$REVIEWER" "Số liệu khớp với báo cáo quý; đề nghị lãnh đạo Ban duyệt."
decide "$LEADER" "Đồng ý."

step "5. The unit's receipt, and the report read back"
mail_to tuan.dongson@anhoa.example review-receipt
jq -r .text "$WORK/mail" | grep -q "$RECEIPT" || fail "the receipt mail does not carry the receipt $RECEIPT"
call 200 GET "/api/periods/$PERIOD/reports/$UNIT" -H "X-Api-Key: $UNIT_KEY"
json '.state == "approved"'
say "state: $(jq -r '.state + " (" + .stateName + ")"' "$BODY")"

step "6. The dashboard and the exports"
STAFF=$WORK/cookies-staff
call 200 GET /api/dashboard/sign-in -c "$STAFF"
cp "$BODY" "$WORK/sign-in.html"
hidden_fields "$WORK/sign-in.html"
call 302 POST /api/dashboard/sign-in -b "$STAFF" -c "$STAFF" "${FIELDS[@]}" --data-urlencode "key=$ADMIN_KEY"
call 200 GET "/api/dashboard/$PERIOD" -b "$STAFF"
grep -q "data-unit=\"$UNIT\" data-state=\"approved\"" "$BODY" || fail "the dashboard does not show $UNIT approved"
say "dashboard: $UNIT approved; submitted $(grep -o '<strong id="actual">[0-9]*' "$BODY" | grep -o '[0-9]*$') of $(grep -o '<strong id="expected">[0-9]*' "$BODY" | grep -o '[0-9]*$')"
call 200 GET "/api/periods/$PERIOD/export.xlsx" -b "$STAFF"
[ "$(head -c 2 "$BODY")" = "PK" ] || fail "export.xlsx is not a workbook"
cp "$BODY" "$OUT/$PERIOD.xlsx"
call 200 GET "/api/periods/$PERIOD/export.csv" -b "$STAFF"
grep -q "Đông Sơn" "$BODY" || fail "export.csv has no row for $UNIT"
cp "$BODY" "$OUT/$PERIOD.csv"
say "exports: $OUT/$PERIOD.xlsx, $OUT/$PERIOD.csv"

step "7. The walk's unit key is revoked"
admin 200 DELETE "/api/catalog/units/$UNIT/keys/$KEY_ID"
json '.revokedAt != null'
trap - EXIT
say "key $KEY_ID revoked"

printf '\nwalk: done period=%s instance=%s receipt=%s out=%s\n' "$PERIOD" "$INSTANCE" "$RECEIPT" "$OUT"
