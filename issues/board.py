"""What the public board shows beyond the reports: the months to filter by, and a place rounded for privacy."""

import datetime

from beefeed import generations
from issues.models import Report

# A grid of 0.0005 degree: about 55 m of latitude, 48 m of longitude here — the street, not the doorway.
# Every public position (the board's page, its map, /board.geojson) is a corner of this grid.
PLACE_GRID = 0.0005
PLACE_DECIMALS = 4


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


def rounded_point(report):
    """The report's place as the public may see it: (lat, lng) snapped to the grid of about 50 m, or None."""
    if report.latitude is None or report.longitude is None:
        return None
    return tuple(
        round(round(value / PLACE_GRID) * PLACE_GRID, PLACE_DECIMALS) for value in (report.latitude, report.longitude)
    )


def rounded_position(report):
    """rounded_point() as text, for a page's data attributes."""
    point = rounded_point(report)
    if point is None:
        return None
    return tuple(f"{value:.{PLACE_DECIMALS}f}" for value in point)
