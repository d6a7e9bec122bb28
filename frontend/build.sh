#!/usr/bin/env bash
# Build the front-end assets into ../static/ (committed; the site never needs Node).
#
#   bash frontend/build.sh
#
# Set FORCE_NPM_CI=1 to reinstall node_modules from package-lock.json.
set -euo pipefail

FRONTEND_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(cd "$FRONTEND_DIR/.." && pwd)"
STATIC_DIR="$ROOT_DIR/static"
GOVUK_DIST="$FRONTEND_DIR/node_modules/govuk-frontend/dist/govuk"
EXPECTED_GOVUK_VERSION="5.14.0"

cd "$FRONTEND_DIR"

fail() {
  echo "build.sh: ERROR: $*" >&2
  exit 1
}

# --- 1. Dependencies ---------------------------------------------------------
installed_version() {
  node -p "require('./node_modules/$1/package.json').version" 2>/dev/null || true
}

need_ci=0
if [[ "${FORCE_NPM_CI:-0}" == "1" ]] \
  || [[ ! -f node_modules/.package-lock.json ]] \
  || [[ package-lock.json -nt node_modules/.package-lock.json ]] \
  || [[ ! -x node_modules/.bin/sass ]] \
  || [[ "$(installed_version govuk-frontend)" != "$EXPECTED_GOVUK_VERSION" ]]; then
  need_ci=1
fi
if [[ "$need_ci" == "1" ]]; then
  echo "Installing dependencies (npm ci)…"
  npm ci --no-audit --no-fund
fi

[[ "$(installed_version govuk-frontend)" == "$EXPECTED_GOVUK_VERSION" ]] \
  || fail "govuk-frontend $EXPECTED_GOVUK_VERSION is not installed"

# --- 2. CSS --------------------------------------------------------------------
mkdir -p "$STATIC_DIR/css" "$STATIC_DIR/js" "$STATIC_DIR/govuk/assets"

tmp_css="$(mktemp "$STATIC_DIR/css/.site.css.XXXXXX")"
trap 'rm -f "$tmp_css"' EXIT

echo "Compiling scss/site.scss → static/css/site.css…"
# --quiet-deps silences deprecation warnings coming from node_modules
# (GOV.UK Frontend 5 still uses @import and global Sass functions);
# --silence-deprecation=import covers our own @import of GOV.UK Frontend,
# which is how GOV.UK Frontend 5 is meant to be configured.
node_modules/.bin/sass \
  --style=compressed \
  --no-source-map \
  --load-path=node_modules \
  --quiet-deps \
  --silence-deprecation=import \
  scss/site.scss "$tmp_css"
chmod 644 "$tmp_css"
mv -f "$tmp_css" "$STATIC_DIR/css/site.css"
trap - EXIT

# --- 3. JavaScript and images -----------------------------------------------
echo "Copying GOV.UK Frontend JavaScript and images…"
cp -f "$GOVUK_DIST/govuk-frontend.min.js" "$STATIC_DIR/js/govuk-frontend.min.js"
# The min.js ends with a sourceMappingURL comment: ship the map too so
# browser dev tools do not log a 404.
cp -f "$GOVUK_DIST/govuk-frontend.min.js.map" "$STATIC_DIR/js/govuk-frontend.min.js.map"

# GOV.UK's images are the crown, crest and GOV.UK icons, reserved for GOV.UK: never shipped.
# The only one the CSS names is the footer crest, for a class this site does not use.
rm -rf "$STATIC_DIR/govuk"
# Never ship the GOV.UK fonts (GDS Transport is reserved for GOV.UK).
rm -rf "$STATIC_DIR/govuk/assets/fonts"

# --- 4. Checks -----------------------------------------------------------------
echo "Checking the output…"
css="$STATIC_DIR/css/site.css"

[[ -s "$css" ]] || fail "site.css is empty"
if grep -qi 'GDS Transport' "$css"; then fail "site.css mentions GDS Transport"; fi
if grep -qi '@font-face' "$css"; then fail "site.css contains @font-face"; fi
if grep -qi '/fonts/' "$css"; then fail "site.css references /fonts/"; fi
if grep -qi 'woff' "$css"; then fail "site.css references a web font file"; fi
if grep -q 'sourceMappingURL' "$css"; then fail "site.css has a source map reference"; fi

# Every url(…) must be a data: URI or point at /static/govuk/assets/images/
bad_urls="$(grep -oE 'url\([^)]*\)' "$css" \
  | sed -E 's/^url\(["'"'"']?//; s/["'"'"']?\)$//' \
  | grep -vE '^(data:|/static/govuk/assets/images/)' || true)"
[[ -z "$bad_urls" ]] || fail "unexpected url() in site.css: $bad_urls"

grep -q 'system-ui' "$css" || fail "system font stack missing from site.css"
grep -q '\.lo-header' "$css" || fail "site styles missing from site.css"

js="$STATIC_DIR/js/govuk-frontend.min.js"
grep -qE 'export\{[^}]*\binitAll\b' "$js" || fail "govuk-frontend.min.js does not export initAll"
grep -q "version=\"$EXPECTED_GOVUK_VERSION\"" "$js" || fail "govuk-frontend.min.js is not $EXPECTED_GOVUK_VERSION"
[[ -f "$STATIC_DIR/js/site.js" ]] || echo "build.sh: warning: static/js/site.js is missing" >&2
[[ ! -e "$STATIC_DIR/govuk/assets/fonts" ]] || fail "fonts were copied"

echo "Built:"
(cd "$ROOT_DIR" && ls -l static/css/site.css static/js/govuk-frontend.min.js 2>/dev/null \
  | awk '{printf "  %8d  %s\n", $5, $NF}')
echo "OK"
