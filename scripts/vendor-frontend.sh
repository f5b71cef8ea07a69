#!/usr/bin/env bash
# Refresh the vendored front-end files under static/vendor/ from the npm registry,
# by package name at pinned versions, with their licence files. Run by hand when
# upgrading; the results are committed so the site needs no build step.
set -euo pipefail
cd "$(dirname "$0")/.."

HTMX_VERSION=2.0.11
QUILL_VERSION=2.0.3
SWAGGER_UI_VERSION=5.35.0  # swagger-ui-dist: the /api/docs page

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() {  # package version → unpacked into $work/<package>
  local name=$1 version=$2
  (cd "$work" && npm pack --silent "$name@$version" >/dev/null)
  mkdir -p "$work/$name"
  tar -xzf "$work"/"${name//\//-}"-"$version".tgz -C "$work/$name" --strip-components=1
}

fetch htmx.org "$HTMX_VERSION"
mkdir -p static/vendor/htmx
cp "$work/htmx.org/dist/htmx.min.js" static/vendor/htmx/htmx.min.js
cp "$work/htmx.org/LICENSE" static/vendor/htmx/LICENSE
echo "htmx.org $HTMX_VERSION" > static/vendor/htmx/VERSION

fetch quill "$QUILL_VERSION"
mkdir -p static/vendor/quill
cp "$work/quill/dist/quill.js" static/vendor/quill/quill.js
cp "$work/quill/dist/quill.snow.css" static/vendor/quill/quill.snow.css
cp "$work/quill/LICENSE" static/vendor/quill/LICENSE
# The bundle includes its dependencies; their licences travel with it.
[ -f "$work/quill/dist/quill.core.js.LICENSE.txt" ] && \
  cp "$work/quill/dist/quill.core.js.LICENSE.txt" static/vendor/quill/THIRD-PARTY-LICENSES.txt
echo "quill $QUILL_VERSION" > static/vendor/quill/VERSION

fetch swagger-ui-dist "$SWAGGER_UI_VERSION"
rm -rf static/vendor/swagger-ui
mkdir -p static/vendor/swagger-ui
# Only the self-contained bundle and its stylesheet: the page's own script starts it.
cp "$work/swagger-ui-dist/swagger-ui-bundle.js" static/vendor/swagger-ui/swagger-ui-bundle.js
cp "$work/swagger-ui-dist/swagger-ui.css" static/vendor/swagger-ui/swagger-ui.css
cp "$work/swagger-ui-dist/LICENSE" static/vendor/swagger-ui/LICENSE
[ -f "$work/swagger-ui-dist/NOTICE" ] && \
  cp "$work/swagger-ui-dist/NOTICE" static/vendor/swagger-ui/NOTICE
# The bundle includes its dependencies; their licences travel with it.
[ -f "$work/swagger-ui-dist/swagger-ui-bundle.js.LICENSE.txt" ] && \
  cp "$work/swagger-ui-dist/swagger-ui-bundle.js.LICENSE.txt" \
    static/vendor/swagger-ui/THIRD-PARTY-LICENSES.txt
echo "swagger-ui-dist $SWAGGER_UI_VERSION" > static/vendor/swagger-ui/VERSION

echo "vendored: htmx $HTMX_VERSION, quill $QUILL_VERSION, swagger-ui-dist $SWAGGER_UI_VERSION"
