#!/usr/bin/env bash
# Create the virtualenv if missing, and install the locked dependencies into it only
# when requirements.lock or pyproject.toml changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
STAMP="$VENV/.parcours-installed"

if [ ! -x "$VENV/bin/python" ]; then
    echo "Creating $VENV"
    "$PYTHON" -m venv "$VENV"
fi

wanted=$(cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$wanted" ]; then
    exit 0
fi

echo "Installing dependencies from requirements.lock into $VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.lock
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -e .
echo "$wanted" > "$STAMP"
