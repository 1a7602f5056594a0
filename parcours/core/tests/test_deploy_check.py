"""The production variables in the README make `manage.py check --deploy` pass.

Settings are read once at start-up, so each check runs in a fresh process with its
own environment, as a server would start.
"""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[3]

# The README's "Production" section lists exactly these.
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k7Qz-production-like-secret-key-that-is-long-and-varied-9fJ2mX4vB8nR1tW6",
    "ALLOWED_HOSTS": "parcours.example.org",
    "HTTPS": "true",
}
SETTINGS_VARIABLES = {
    "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "HTTPS",
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD", "BEHIND_PROXY", "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # the browser test sets it; a server never would
}


def check_deploy(tmp_path, **variables) -> subprocess.CompletedProcess:
    env = {name: value for name, value in os.environ.items() if name not in SETTINGS_VARIABLES}
    env.update(PARCOURS_VAR_DIR=str(tmp_path), **variables)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def test_the_production_variables_pass_the_deployment_checklist(tmp_path):
    result = check_deploy(tmp_path, **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_debug_in_production_fails_the_checklist(tmp_path):
    result = check_deploy(tmp_path, **{**PRODUCTION, "DEBUG": "true"})

    assert result.returncode != 0
    assert "security.W018" in result.stderr


def test_without_https_the_checklist_fails(tmp_path):
    variables = {name: value for name, value in PRODUCTION.items() if name != "HTTPS"}

    result = check_deploy(tmp_path, **variables)

    assert result.returncode != 0
    assert "security.W008" in result.stderr


def test_a_short_secret_key_fails_the_checklist(tmp_path):
    result = check_deploy(tmp_path, **{**PRODUCTION, "SECRET_KEY": "too-short"})

    assert result.returncode != 0
    assert "security.W009" in result.stderr
