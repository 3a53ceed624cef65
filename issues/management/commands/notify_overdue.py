"""The name earlier installations put in cron: now the whole supervision run (see `supervise`)."""

from issues.management.commands.supervise import Command  # noqa: F401
