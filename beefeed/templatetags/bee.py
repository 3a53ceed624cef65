from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beefeed.qr import qr_svg

register = template.Library()


@register.filter
def timesince_delta(delta):
    """A duration as people say it: 2 days 3 hours, 5 hours, 40 minutes."""
    if delta is None:
        return "—"
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        text = ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
        if hours:
            text += " " + ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
        return text
    if hours:
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes} if minutes else _("under a minute")


@register.filter
def qr(text):
    """An address as a QR code, drawn inline as SVG (beefeed.qr)."""
    return qr_svg(text)
