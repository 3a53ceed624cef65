"""How long the photos of reports not accepted are kept (REJECTED_PHOTO_RETENTION_DAYS).

Run by the media sweep (`manage.py media_check --remove-orphans`, registered in IssuesConfig);
the deletion itself and its timeline event are issues.workflow's.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from issues import workflow
from issues.models import Report, State


def remove_rejected_photos(now=None):
    """Delete the photos of every report rejected more than the retention period ago."""
    now = now or timezone.now()
    days = settings.REJECTED_PHOTO_RETENTION_DAYS
    due = (
        Report.objects.filter(
            state=State.REJECTED,
            photos__isnull=False,
            events__action="reject",
            events__created_at__lt=now - timedelta(days=days),
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    removed = []
    for pk in list(due):
        removed += workflow.delete_photos_of_rejected(Report(pk=pk), retention_days=days, now=now)
    return removed
