"""The report's moderation page in the admin (admin/issues/report/<pk>/moderate/): parse, call, render.

The rules are issues.moderation's; this page shows the courier's original text and photos to the
coordinator, lets them draw the areas to cover (static/js/admin_moderate.js), and posts it all.
"""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from issues import moderation


def moderate_view(request, pk, *, model_admin):
    if not moderation.may_moderate(request.user):
        raise PermissionDenied
    report = model_admin.get_queryset(request).filter(pk=pk).first()
    if report is None:
        raise Http404
    change_url = reverse("admin:issues_report_change", args=[report.pk])
    photos = moderation.numbered_photos(report)
    status = 200
    if request.method == "POST":
        wanted = {photo.pk: {"hidden": f"hide-{photo.pk}" in request.POST} for photo in photos}
        for photo in photos:
            if f"areas-{photo.pk}" in request.POST:  # absent (not drawn on this page): left as they are
                wanted[photo.pk]["areas"] = request.POST[f"areas-{photo.pk}"]
        description = request.POST.get("public_description", "")
        try:
            event = moderation.moderate(report, by=request.user, public_description=description, photos=wanted)
        except moderation.ModerationError as error:
            messages.error(request, str(error))
            status = 400
            shown = {"description": description, "photos": wanted}
        else:
            if event is None:
                messages.info(request, _("Nothing was changed."))
            else:
                messages.success(
                    request, _("Report %(ref)s moderated: %(what)s.") % {"ref": report.reference, "what": event.note}
                )
            return HttpResponseRedirect(change_url)
    else:
        shown = {
            "description": report.public_description or report.description,
            "photos": {photo.pk: {"hidden": photo.hidden, "areas": json.dumps(photo.covered)} for photo in photos},
        }
    items = [
        {
            "number": number,
            "photo": photo,
            "hidden": shown["photos"][photo.pk]["hidden"],
            "areas": shown["photos"][photo.pk].get("areas", json.dumps(photo.covered)),
        }
        for number, photo in enumerate(photos, start=1)
    ]
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "report": report,
        "public_description": shown["description"],
        "items": items,
        "max_areas": moderation.MAX_AREAS,
        "title": f"{report.reference} · {_('Moderate for the public')}",
        "change_url": change_url,
        "board_url": reverse("issues:board_detail", args=[report.pk]) if report.state == "published" else "",
    }
    return TemplateResponse(request, "admin/issues/report/moderate.html", context, status=status)
