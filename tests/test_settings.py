"""Configuration comes from the environment; production refuses to start without its secrets."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS")}
    full_env.update(env, DJANGO_SETTINGS_MODULE="cms.settings.production")
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_secret_key():
    result = _manage("check", ALLOWED_HOSTS=".gov.vn")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_passes_check_deploy_with_no_warnings():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=secrets.token_urlsafe(60), ALLOWED_HOSTS=".gov.vn"
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
