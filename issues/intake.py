"""Staff intake (代录问题): a coordinator enters a report that arrived in the WeChat group or by telephone.

A page of the report admin (`admin:issues_report_enter`, /admin/issues/report/enter/), for
coordinators only. The photos pass through the same pipeline as the courier's (beefeed.photos), and
the report through the same workflow entry (issues.workflow.enter_report, which shares the courier's
submission): the form only reads what was typed.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beefeed import photos
from beefeed.forms import Prompted
from beefeed.geo import nearest, parse_position
from beefeed.models import Organization
from beefeed.parsing import IdChoiceField
from issues import workflow
from issues.forms import ReportWords
from issues.models import Category, Report
from stations import tiles
from volunteers.models import Volunteer

MAX_PHOTOS = 6  # a WeChat message carries several; a desk computer sends them easily


class Source:
    VOLUNTEER = "volunteer"
    RESIDENT = "resident"
    CHOICES = [
        (VOLUNTEER, gettext_lazy("A volunteer, in the WeChat group")),
        (RESIDENT, gettext_lazy("A resident, by telephone")),
    ]


def may_enter(user):
    """Who may enter a report on someone's behalf: an active coordinator at the admin."""
    return user.is_authenticated and user.is_active and user.is_staff and user.is_coordinator


def suggested_community(latitude, longitude):
    """The community or township whose centre is nearest the position, as the courier's form suggests."""
    return nearest(Organization.objects.areas().exclude(latitude=None), latitude, longitude)


class IntakeForm(Prompted, ReportWords, forms.Form):
    """What the coordinator types; the photos are read by the view (beefeed.photos)."""

    prompts = {"community": gettext_lazy("Choose the community")}

    category = IdChoiceField(
        label=gettext_lazy("Category"),
        queryset=Category.objects.all(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": gettext_lazy("Choose a category."),
            "invalid_choice": gettext_lazy("Choose a category."),
        },
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        error_messages={
            "required": gettext_lazy("Describe the problem in a few words."),
            "max_length": gettext_lazy("At most %(limit_value)d characters (you typed %(show_value)d)."),
        },
    )
    latitude = forms.CharField(label=gettext_lazy("Latitude"), required=False, max_length=40)
    longitude = forms.CharField(label=gettext_lazy("Longitude"), required=False, max_length=40)
    address = forms.CharField(
        label=gettext_lazy("Address or landmark"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"size": 50, "autocomplete": "off"}),
    )
    community = IdChoiceField(
        label=gettext_lazy("Community"),
        queryset=Organization.objects.areas(),
        required=False,
        help_text=gettext_lazy("Suggested from the position on the map; change it if needed."),
        error_messages={"invalid_choice": gettext_lazy("Choose the community.")},
    )
    source = forms.ChoiceField(
        label=gettext_lazy("Who sent it"),
        choices=Source.CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Say who sent it: a volunteer or a resident by telephone."),
            "invalid_choice": gettext_lazy("Say who sent it: a volunteer or a resident by telephone."),
        },
    )
    volunteer = IdChoiceField(
        label=gettext_lazy("Volunteer"),
        queryset=Volunteer.objects.approved(),
        required=False,
        help_text=gettext_lazy("Search by name or phone number. The report becomes theirs, with its points."),
        error_messages={"invalid_choice": gettext_lazy("Choose an approved volunteer.")},
    )
    note = forms.CharField(
        label=gettext_lazy("Internal note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=gettext_lazy(
            "For staff only, never public: e.g. when the call came in. Do not type a caller's name or number."
        ),
        error_messages={"max_length": gettext_lazy("At most %(limit_value)d characters (you typed %(show_value)d).")},
    )

    def __init__(self, *args, admin_site=None, **kwargs):
        super().__init__(*args, **kwargs)
        if admin_site is not None:
            # The admin's autocomplete of volunteers (VolunteerAdmin.search_fields: name, phone).
            field = self.fields["volunteer"]
            field.widget = AutocompleteSelect(Report._meta.get_field("reporter"), admin_site)
            field.widget.choices = field.choices

    def full_clean(self):
        super().full_clean()
        if self.is_bound and "volunteer" in self._errors:
            # Shown again empty: the autocomplete would look the unreadable id up in the database.
            self.data = self.data.copy()
            self.data["volunteer"] = ""

    def clean_note(self):
        return self.cleaned_data["note"].replace("\x00", "").strip()

    def clean(self):
        data = super().clean()
        position = parse_position(data.get("latitude"), data.get("longitude"))
        if position is False:
            self.add_error("latitude", _("The position could not be read: click on the map or type the address."))
            position = None
        data["latitude"], data["longitude"] = position or (None, None)
        if position is None and not data.get("address") and "latitude" not in self.errors:
            self.add_error("address", _("Give the place: click on the map or type the address."))
        if not data.get("community") and "community" not in self.errors:
            if position is not None:
                data["community"] = suggested_community(*position)
            if not data.get("community"):
                self.add_error("community", _("Choose the community."))
        if data.get("source") == Source.VOLUNTEER and not data.get("volunteer") and "volunteer" not in self.errors:
            self.add_error("volunteer", _("Choose the volunteer who sent it."))
        if data.get("source") == Source.RESIDENT:
            data["volunteer"] = None
        return data


def _processed_photos(uploads):
    """The photos through the courier's pipeline; (processed, errors)."""
    if len(uploads) > MAX_PHOTOS:
        return [], [_("At most %(n)d photos.") % {"n": MAX_PHOTOS}]
    processed, errors = [], []
    for upload in uploads:
        try:
            processed.append(photos.process(upload))
        except photos.PhotoError as error:
            errors.append(f"{upload.name[:60]}: {error}")
    return processed, errors


def enter_view(model_admin, request):
    """The intake page: GET shows the form, POST enters the report and opens its page."""
    if not may_enter(request.user):
        raise PermissionDenied
    photo_errors = []
    if request.method == "POST":
        form = IntakeForm(request.POST, admin_site=model_admin.admin_site)
        uploads = [upload for upload in request.FILES.getlist("photos") if upload.name or upload.size]
        processed, photo_errors = _processed_photos(uploads)
        if form.is_valid() and not photo_errors:
            data = form.cleaned_data
            try:
                report = workflow.enter_report(
                    by=request.user,
                    volunteer=data["volunteer"],
                    note=data["note"],
                    category=data["category"],
                    description=data["description"],
                    community=data["community"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    address=data["address"],
                    photos=processed,
                )
            except workflow.TransitionError as error:
                form.add_error(None, str(error))
            else:
                text = _("Report %(ref)s entered.") % {"ref": report.reference}
                again = reverse("admin:issues_report_enter")
                messages.success(request, format_html('{} <a href="{}">{}</a>', text, again, _("Enter another report")))
                return HttpResponseRedirect(reverse("admin:issues_report_change", args=[report.pk]))
        if uploads and not photo_errors:
            photo_errors.append(_("Your photos were not kept: please add them again."))
    else:
        form = IntakeForm(admin_site=model_admin.admin_site)
    failed = request.method == "POST"
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Enter a report on someone's behalf"),
        "form": form,
        "photo_errors": photo_errors,
        "max_photos": MAX_PHOTOS,
        "map_tiles": tiles.config(),
        "media": model_admin.media + form.media,
    }
    return TemplateResponse(request, "admin/issues/report/enter.html", context, status=400 if failed else 200)


def community_view(model_admin, request):
    """For the map on the intake page: the community suggested for a position (JSON)."""
    if not may_enter(request.user):
        raise PermissionDenied
    position = parse_position(request.GET.get("lat"), request.GET.get("lng"))
    if not position:
        return JsonResponse({"error": _("Position missing or out of range.")}, status=400)
    community = suggested_community(*position)
    return JsonResponse({"community": {"id": community.pk, "name": community.name} if community else None})
