"""What the public board shows beyond the reports: the months to filter by, and a place rounded for privacy."""

import datetime

from beefeed import generations
from issues.models import Report

# 3 decimals of a degree: about 110 m of latitude, 95 m of longitude here — the street, not the doorway.
PLACE_DECIMALS = 3


def published_months():
    """The months (newest first) in which a report was published, as first days, in the local time zone."""
    moments = Report.objects.public().datetimes("published_at", "month", order="DESC")
    return [moment.date() for moment in moments]


def board_months(selected=""):
    """The month filter's choices: the months with published reports (cached until a report changes), plus the
    month asked for in the link if none was published in it, so that the select shows what is filtered."""
    months = list(generations.cached("reports", "board-months", published_months))
    if selected:
        asked = datetime.date(int(selected[:4]), int(selected[5:7]), 1)
        if asked not in months:
            months = sorted([*months, asked], reverse=True)
    return [{"value": month.strftime("%Y-%m"), "date": month} for month in months]


def rounded_position(report):
    """The report's place as the public may see it: (lat, lng) as text with 3 decimals, or None."""
    if report.latitude is None or report.longitude is None:
        return None
    return f"{report.latitude:.{PLACE_DECIMALS}f}", f"{report.longitude:.{PLACE_DECIMALS}f}"
