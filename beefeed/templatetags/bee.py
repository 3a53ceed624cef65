from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beefeed.display import distance_label
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


@register.simple_tag(takes_context=True)
def absolute(context, url):
    """`url` (a path such as a photo's or a static file's) as the full address a shared link needs:
    WeChat and other apps fetch a page's og:image from outside, so a path alone is not enough."""
    request = context.get("request")
    return request.build_absolute_uri(url) if request is not None else url


@register.filter
def distance(metres):
    """Metres as a courier reads them: 120 米 / 1.2 公里 (beefeed.display)."""
    return distance_label(metres)
