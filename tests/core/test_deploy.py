"""Production settings pass Django's deployment checklist (`manage.py check --deploy`)."""
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "bz-Prod-7f3c9e1a5d2b8f4e6a0c3d9b7e5f1a2c4d6e8f0a1b3c5d7e9-x"
KEYS = {
    "BANZI_DATA_KEYS": "p1:8c1f0e2d3b4a59687766554433221100",
    "BANZI_INDEX_KEY": "a1" * 32,
    "BANZI_AUDIT_KEY": "b2" * 32,
}


def run_manage(*args, **env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("BANZI_", "DJANGO_"))}
    environ.pop("SECRET_KEY", None)
    with tempfile.TemporaryDirectory() as empty:
        # An empty database of its own, never the developer's (whose demo accounts the check would refuse).
        environ["DATABASE_URL"] = f"sqlite:///{empty}/db.sqlite3"
        environ.update(env)
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120
        )


def test_check_deploy_is_clean_with_production_settings():
    assert len(SECRET_KEY) >= 50
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        BANZI_ENV="production", SECRET_KEY=SECRET_KEY, ALLOWED_HOSTS="banzi.example.gov.cn",
        CSRF_TRUSTED_ORIGINS="https://banzi.example.gov.cn", **KEYS,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_collectstatic_runs_with_production_settings(tmp_path):
    """Production serves hashed, compressed static files (whitenoise's manifest storage), which refuses any
    reference to a file that is not there."""
    result = run_manage(
        "collectstatic", "--noinput", BANZI_ENV="production", SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="banzi.example.gov.cn", STATIC_ROOT=str(tmp_path), **KEYS,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    for name in ("vendor/tabler/tabler.min.css", "vendor/echarts/echarts.min.js", "js/banzi.js"):
        assert f'"{name}"' in manifest
    assert list(tmp_path.glob("vendor/tabler/tabler.min.*.css.gz"))


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", BANZI_ENV="production", ALLOWED_HOSTS="banzi.example.gov.cn", **KEYS)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("missing", sorted(KEYS))
def test_production_refuses_to_start_without_each_cryptographic_key(missing):
    keys = {name: value for name, value in KEYS.items() if name != missing}
    result = run_manage("check", BANZI_ENV="production", SECRET_KEY=SECRET_KEY,
                        ALLOWED_HOSTS="banzi.example.gov.cn", **keys)
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_production_refuses_a_short_key():
    result = run_manage("check", BANZI_ENV="production", SECRET_KEY=SECRET_KEY,
                        ALLOWED_HOSTS="banzi.example.gov.cn", **{**KEYS, "BANZI_AUDIT_KEY": "ab" * 8 + "c"})
    assert result.returncode != 0
    assert "BANZI_AUDIT_KEY" in result.stderr


@pytest.mark.django_db
def test_check_deploy_refuses_active_demo_accounts_in_production(settings):
    from tests.factories import UserFactory

    settings.PRODUCTION = True
    UserFactory(username="someone", is_demo=False)
    call_command("check", "--deploy", "--tag", "security")  # no error: no demo account
    UserFactory(username="county_admin", is_demo=True)
    with pytest.raises(SystemCheckError, match=r"accounts\.E001.*county_admin"):
        call_command("check", "--deploy", "--tag", "security")
    settings.PRODUCTION = False  # the demo itself
    call_command("check", "--deploy", "--tag", "security")
