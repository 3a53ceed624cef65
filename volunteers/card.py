"""The points card (积分卡): what is printed on it, and its QR code."""

from django.urls import reverse

from beefeed.qr import qr_svg
from volunteers import points


def check_url(request, volunteer):
    return request.build_absolute_uri(reverse("volunteers:card_check", args=[volunteer.card_token]))


def card_for(request, volunteer):
    year = points.today().year
    url = check_url(request, volunteer)
    return {
        "volunteer": volunteer,
        "community": volunteer.community,
        "claimed": [claim.item for claim in volunteer.claims.select_related("item")],
        "quarters": points.quarter_figures(volunteer, year),
        "year": year,
        "hours": points.hours(volunteer),
        "balance": points.balance(volunteer),
        "check_url": url,
        "qr": qr_svg(url),
    }
