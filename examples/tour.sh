#!/usr/bin/env bash
# The README's short tour. From the repository root, with the service running: bash examples/tour.sh
set -euo pipefail
export POLICY_API_URL=${POLICY_API_URL:-http://127.0.0.1:3000}
export POLICY_APP_TOKEN=${POLICY_APP_TOKEN:-app-dev-token} POLICY_PUBLISHER_TOKEN=${POLICY_PUBLISHER_TOKEN:-pub-dev-token}
API=$POLICY_API_URL
APP="Authorization: Bearer $POLICY_APP_TOKEN"
JSON='Content-Type: application/json'
# curl that fails on an HTTP error status (printing the error body), so the tour stops right there.
api() { curl -sS --fail-with-body "$@"; echo; }

# Legal publishes version 1 of the privacy policy, in Vietnamese and English.
npx policyctl publish privacy --text vi=examples/privacy-policy.vi.txt --text en=examples/privacy-policy.en.txt \
  --material --summary vi="Phiên bản đầu tiên" --summary en="First version"

# Anyone can read it.
api "$API/policies/privacy"
api "$API/policies/privacy/revisions/current?locale=vi" | cut -c 1-300

# An app registers a customer for change emails...
api -X PUT "$API/customers/user-42" -H "$APP" -H "$JSON" \
  -d '{"email": "an@example.vn", "locale": "vi", "name": "Nguyễn Văn An"}'

# ...asks at login whether the user must accept the policy (yes: NEVER_ACKNOWLEDGED)...
api "$API/users/user-42/policies/privacy/status" -H "$APP"

# ...and records the acceptance with evidence; now the answer is UP_TO_DATE.
api -X POST "$API/users/user-42/acknowledgments" -H "$APP" -H "$JSON" \
  -d '{"policyId": "privacy", "version": 1, "locale": "vi", "channel": "web", "evidence": {"ip": "203.0.113.7"}}'
api "$API/users/user-42/policies/privacy/status" -H "$APP"

# Legal's second revision adds a section 7 (later sections are renumbered) and edits a few sentences.
# Preview it (nothing is stored), publish it, and watch the change email go out to the customer.
npx policyctl publish privacy --text vi=examples/privacy-policy-v2.vi.txt --text en=examples/privacy-policy-v2.en.txt \
  --material --dry-run
npx policyctl publish privacy --text vi=examples/privacy-policy-v2.vi.txt --text en=examples/privacy-policy-v2.en.txt \
  --material --summary vi="Thêm mục 7 về dữ liệu của trẻ em; dữ liệu tài khoản được lưu 18 tháng" \
  --summary en="New section 7 on children's data; account data is kept for 18 months"
npx policyctl notification privacy 2 --watch --timeout 60

# The change, section by section and word by word; the user must acknowledge again (MATERIAL_CHANGE).
api "$API/policies/privacy/diff?from=1&to=2&locale=vi&format=unified"
api "$API/users/user-42/policies/privacy/status" -H "$APP"
