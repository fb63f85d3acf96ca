"""Project-level checks: configuration from the environment, the deploy checklist, commands."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    clean.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "nosuchdb://what"),
        ("DEBUG", "perhaps"),
        ("CELERY_BROKER_URL", "ftp://127.0.0.1"),
        ("DJANGO_MODE", "staging"),
        ("EMAIL_URL", "carrier-pigeon://x"),
    ],
)
def test_malformed_environment_stops_start_up_with_one_line_naming_the_variable(
    variable: str, value: str
) -> None:
    result = _manage("check", **{variable: value})
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Configuration error: {variable}")


def test_production_without_secret_key_refuses_to_start() -> None:
    result = _manage("check", DJANGO_MODE="production", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_pass_the_deploy_checklist_with_no_warnings() -> None:
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_MODE="production",
        SECRET_KEY="x7!Kq" * 12,
        ALLOWED_HOSTS="klimatfardplan.example.org",
        SITE_URL="https://klimatfardplan.example.org",  # without it: outbox.W001 (issue 18)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_embedded_default_uses_sqlite_under_var_and_runs_tasks_in_process() -> None:
    code = (
        "import django;django.setup();from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], "
        "s.CELERY_TASK_ALWAYS_EAGER)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    clean["DJANGO_SETTINGS_MODULE"] = "klimatfardplan.settings"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out[0] == "django.db.backends.sqlite3"
    assert "/var/" in out[1]
    assert out[2] == "True"


def test_postgres_and_redis_urls_are_used_when_set() -> None:
    code = (
        "import django;django.setup();from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['HOST'], "
        "s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "klimatfardplan.settings",
        "DATABASE_URL": "postgres://u:p@db.example:5432/kf",
        "CELERY_BROKER_URL": "redis://redis.example:6379/0",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == [
        "django.db.backends.postgresql",
        "db.example",
        "redis://redis.example:6379/0",
        "False",
    ]


@pytest.mark.django_db
def test_demo_data_gives_every_role_a_login(capsys: pytest.CaptureFixture[str]) -> None:
    from accounts import policy
    from accounts.models import User
    from accounts.policy import Role

    call_command("load_demo_data")
    call_command("load_demo_data")  # idempotent
    printed = capsys.readouterr().out
    for username in ("admin", "kansliet", "strategi", "anna", "cecilia"):
        assert username in printed
        assert User.objects.get(username=username).check_password(
            printed.split(username, 1)[1].split()[0]
        )
    roles = {u.username: policy.roles(u) for u in User.objects.all()}
    assert Role.OFFICE in roles["kansliet"]
    assert Role.STRATEGIC in roles["strategi"]
    assert Role.PARTNER in roles["anna"]
    assert Role.SUPERUSER in roles["admin"]


def test_every_translation_catalogue_is_compiled() -> None:
    for language in ("en", "sv"):
        assert (ROOT / "locale" / language / "LC_MESSAGES" / "django.mo").exists(), language


@pytest.mark.django_db
def test_demo_office_login_passes_two_factor_with_the_printed_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from django.test import Client

    call_command("load_demo_data")
    capsys.readouterr()
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "kansliet", "password": "Demo-kansliet-2026"}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # not yet verified: sent to the two-factor step
    call_command("demo_otp_code", "kansliet")
    code = capsys.readouterr().out.strip()
    assert len(code) == 6
    client.post("/security/2fa/verify/", {"token": code})
    assert client.get("/").status_code == 200
