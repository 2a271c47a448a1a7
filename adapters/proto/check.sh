#!/usr/bin/env bash
# Fails when the committed generated code in adapters/proto/adaptersv1
# differs from a fresh regeneration (gen.sh) of every .proto file, or when
# a generated file is missing or left over.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$here/gen.sh" "$tmp"
if ! diff -ru "$here/adaptersv1" "$tmp/adapters/proto/adaptersv1"; then
  echo "adapters/proto: the committed generated code differs from a regeneration; run adapters/proto/gen.sh and commit" >&2
  exit 1
fi
echo "adapters/proto: generated code is up to date"
