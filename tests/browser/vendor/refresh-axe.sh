#!/usr/bin/env bash
# Replace axe.min.js (and its licence) with the ones in the npm package axe-core@VERSION.
# Usage: tests/browser/vendor/refresh-axe.sh 4.14.1   (needs npm and the npm registry)
# Then update the version and checksum in README.md and run `make test-browser`.
set -euo pipefail
version="${1:?give the axe-core version, e.g. 4.14.1 (npm view axe-core version)}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "axe-core@$version" >/dev/null)
tar -xzf "$work/axe-core-$version.tgz" -C "$work"
cp "$work/package/axe.min.js" "$here/axe.min.js"
cp "$work/package/LICENSE" "$here/axe-core-LICENSE.txt"
head -c 40 "$here/axe.min.js"; echo
sha256sum "$here/axe.min.js"
