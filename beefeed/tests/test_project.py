"""The project as a whole: checks, migrations, production settings, lint."""

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, env_extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def test_system_check_is_clean():
    result = run_manage("check", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 20 + "-production-secret-key-with-enough-entropy-0123456789",
    "ALLOWED_HOSTS": "beefeed.example.gov.cn",
    "DATABASE_URL": "sqlite:////tmp/beefeed-deploy-check.sqlite3",
    "REDIS_URL": "redis://127.0.0.1:6379/9",
    "MEDIA_ACCEL_REDIRECT": "/protected-media/",
}


def test_production_settings_pass_deploy_check():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_extra=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_asks_for_a_shared_cache():
    result = run_manage("check", "--deploy", env_extra={**PRODUCTION, "REDIS_URL": ""})
    output = result.stdout + result.stderr
    assert "beefeed.W001" in output and "REDIS_URL is not set" in output


def test_deploy_check_asks_for_the_proxys_private_media():
    result = run_manage("check", "--deploy", env_extra={**PRODUCTION, "MEDIA_ACCEL_REDIRECT": ""})
    output = result.stdout + result.stderr
    assert "beefeed.W002" in output and "MEDIA_ACCEL_REDIRECT is not set" in output


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))}
    env.update({"DEBUG": "0", "ALLOWED_HOSTS": "x.example", "SECRET_KEY": ""})
    result = subprocess.run(
        [sys.executable, "-c", "import beefeed.wsgi"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_a_bare_checkout_checks_its_migrations_without_any_environment():
    """No DEBUG, no key, no .env: serving is refused, but the commands that need no key work."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_ruff_is_clean():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    result = subprocess.run([ruff, "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_debug_is_off_when_nothing_turns_it_on():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_")) and k != "DEBUG"}
    env.update({"SECRET_KEY": PRODUCTION["SECRET_KEY"], "DJANGO_SETTINGS_MODULE": "beefeed.settings"})
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.DEBUG)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "False", result.stderr


@pytest.mark.parametrize(
    "key",
    [
        "change-me-to-a-long-random-string",  # the placeholder of .env.example
        "short-but-not-empty-key-0123456789",  # 34 characters
        "ab" * 30,  # long, but two characters
    ],
)
def test_production_refuses_a_placeholder_or_weak_secret_key(key):
    result = run_manage("check", env_extra={**PRODUCTION, "SECRET_KEY": key})
    assert result.returncode != 0
    assert "SECRET_KEY is the example's placeholder or too weak" in result.stderr


def test_the_example_environment_is_refused_until_its_key_is_replaced():
    example = dict(
        line.split("=", 1)
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    result = run_manage("check", env_extra={**PRODUCTION, "SECRET_KEY": example["SECRET_KEY"]})
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def _python_files(*apps):
    """The apps' own code: not their migrations, not their tests."""
    for app in apps:
        for path in (ROOT / app).rglob("*.py"):
            if not {"migrations", "tests"} & set(path.parts):
                yield path


def _imported_modules(path):
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module


@pytest.mark.parametrize("app, other", [("volunteers", "issues"), ("stations", "issues"), ("stations", "volunteers")])
def test_dependencies_point_one_way(app, other):
    """issues may use volunteers and stations; they know beefeed only (issues plugs into their pages and signals)."""
    found = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in _python_files(app)
        for module in _imported_modules(path)
        if module.split(".")[0] == other
    ]
    assert found == []


def test_only_the_ledger_writes_points_entries():
    writing = re.compile(r"(?<!class )\bPointsEntry\(|PointsEntry\.objects\.(bulk_)?create")
    writers = [
        str(path.relative_to(ROOT))
        for path in _python_files("beefeed", "volunteers", "stations", "issues", "open311")
        if writing.search(path.read_text())
    ]
    assert writers == ["volunteers/ledger.py"]
