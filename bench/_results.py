"""Write one benchmark's figures into bench/RESULTS.md, replacing its previous section."""

import datetime
import os
import platform
import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
HEADER = (
    "# Benchmark results\n\nWritten by the scripts in `bench/`; each section is replaced when its script runs again.\n"
)


def machine():
    cpus = os.cpu_count()
    memory = ""
    try:
        with open("/proc/meminfo") as meminfo:
            kb = int(meminfo.readline().split()[1])
            memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{platform.system()} {platform.machine()}, {cpus} cores{memory}, Python {platform.python_version()}"


def record(name, command, lines):
    """Replace the section `## name` with the date, the machine, the command and `lines`."""
    text = RESULTS.read_text() if RESULTS.exists() else HEADER
    section = (
        f"## {name}\n\n"
        f"- date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}\n"
        f"- machine: {machine()}\n"
        f"- command: `{command}`\n\n" + "\n".join(lines) + "\n"
    )
    pattern = re.compile(rf"^## {re.escape(name)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(section + "\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text)
