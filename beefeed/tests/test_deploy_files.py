"""The deployment files in deploy/ name only what exists: every systemd unit runs a real command of
this project, every timer starts its service, and the README refers to each file."""

import configparser
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"


def unit(path):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read_string(path.read_text())
    return parser


def test_every_service_runs_a_command_this_project_has():
    services = sorted(UNITS.glob("*.service"))
    assert {p.name for p in services} >= {
        "beefeed-web.service",
        "beefeed-worker.service",
        "beefeed-supervise.service",
        "beefeed-media-sweep.service",
        "beefeed-backup.service",
    }
    commands = get_commands()
    for path in services:
        start = unit(path)["Service"]["ExecStart"].split()
        assert start[0].startswith("/srv/beefeed/app/.venv/bin/"), path.name
        if "manage.py" in start:
            assert start[start.index("manage.py") + 1] in commands, path.name
        else:
            assert start[-1] == "beefeed.wsgi" and (ROOT / start[start.index("-c") + 1]).is_file(), path.name


def test_every_timer_starts_its_service():
    for timer in UNITS.glob("*.timer"):
        assert (UNITS / timer.name.replace(".timer", ".service")).is_file(), timer.name
        assert unit(timer)["Timer"]["OnCalendar"], timer.name


def test_the_readme_refers_to_each_deployment_file():
    readme = (ROOT / "README.md").read_text()
    for path in sorted((ROOT / "deploy").rglob("*")):
        if path.is_file() and "tests" not in path.parts:
            assert str(path.relative_to(ROOT)) in readme, path
