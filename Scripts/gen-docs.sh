#!/usr/bin/env bash
# Regenerates docs/input-reference.md from the schema in the code (a unit test checks it).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
swift build --product liphase >/dev/null
.build/debug/liphase schema > docs/input-reference.md
echo "wrote docs/input-reference.md"
