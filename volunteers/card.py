"""The points card (积分卡): what is printed on it, and its QR code."""

from django.urls import reverse

from beefeed.qr import qr_svg
from volunteers import ledger, quarters


def check_url(request, volunteer):
    return request.build_absolute_uri(reverse("volunteers:card_check", args=[volunteer.card_token]))


def card_for(request, volunteer):
    year = quarters.today().year
    url = check_url(request, volunteer)
    return {
        "volunteer": volunteer,
        "community": volunteer.community,
        "claimed": [claim.item for claim in volunteer.claims.select_related("item")],
        "quarters": ledger.quarter_figures(volunteer, year),
        "year": year,
        "hours": ledger.hours(volunteer),
        "balance": ledger.balance(volunteer),
        "check_url": url,
        "qr": qr_svg(url),
    }
