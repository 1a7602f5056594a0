#!/usr/bin/env bash
# Rebuild the single initial migration of an app that has not been released yet
# (engagement, coaching) from its models, so that parallel work never makes two leaves.
set -euo pipefail
app="$1"
cd "$(dirname "$0")/.."
rm -f "parcours/$app/migrations/0001_initial.py"
.venv/bin/python manage.py makemigrations "$app" -v 0
