#!/usr/bin/env bash
# Create (once) the Python virtualenv used by the post-processing scripts in
# Scripts/. Safe to run repeatedly: every step is skipped when already done, so
# callers can invoke it unconditionally before "$ROOT/.venv/bin/python ...".
# Silent on success; only pip/apt errors are shown.

# When sourced, run in a child bash instead so `set -euo pipefail` (and any
# failure exit) cannot leak into the caller's interactive shell.
if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
    bash "${BASH_SOURCE[0]}"
    return $?
fi

set -euo pipefail

# Resolve the repo root from this file's location, not the caller's cwd, so the
# script works whether it is called, sourced, or run from a subdirectory.
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$SCRIPT_DIR")"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

if [[ ! -x "$PY" ]]; then
    if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
        # On Debian/Ubuntu the venv/ensurepip modules live in a separate
        # package; install it only when it is genuinely absent.
        rm -rf "$VENV"   # drop the half-created venv left by the failed attempt
        if command -v dpkg >/dev/null 2>&1 && ! dpkg -s python3-venv >/dev/null 2>&1; then
            SUDO=""
            [[ "$(id -u)" -ne 0 ]] && SUDO="sudo"
            $SUDO apt-get install -y -qq python3-venv >/dev/null
        fi
        python3 -m venv "$VENV"
    fi
fi

# Only touch the network when something is actually missing.
if ! "$PY" -c 'import numpy, h5py, matplotlib, sympy' >/dev/null 2>&1; then
    "$PY" -m pip install -q --disable-pip-version-check numpy h5py matplotlib sympy
fi
