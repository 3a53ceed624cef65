from django import forms
from django.utils.translation import gettext_lazy as _

from beefeed import photos
from beefeed.forms import Prompted
from beefeed.geo import parse_position
from beefeed.models import Organization
from beefeed.parsing import DateTimeField, IdChoiceField
from beefeed.widgets import ChoiceButtons
from issues.models import Category, Rating, RejectReason, Report
from stations.models import Station

MAX_PHOTOS = 3


class ReportWords:
    """The courier's words and the address as every report form reads them (the courier's form, staff intake):
    no null characters, no surrounding blanks, and a description that says something."""

    def clean_description(self):
        text = self.cleaned_data["description"].replace("\x00", "").strip()
        if not text:
            raise forms.ValidationError(_("Describe the problem in a few words."))
        return text

    def clean_address(self):
        return self.cleaned_data["address"].replace("\x00", "").strip()


class ReportForm(Prompted, ReportWords, forms.Form):
    """The courier's report. Photos are handled by the view (see beefeed.photos)."""

    prompts = {"community": _("Choose the community")}

    category = IdChoiceField(
        label=_("What kind of problem?"),
        queryset=Category.objects.all(),
        widget=ChoiceButtons,
        empty_label=None,
        error_messages={"required": _("Choose a category."), "invalid_choice": _("Choose a category.")},
    )
    description = forms.CharField(
        label=_("What is wrong?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("e.g. the bin at building 3 is broken")}),
        error_messages={
            "required": _("Describe the problem in a few words."),
            "max_length": _("At most %(limit_value)d characters (you typed %(show_value)d)."),
        },
    )
    latitude = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    address = forms.CharField(
        label=_("Address or landmark"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 广场花苑小区3栋"), "autocomplete": "off"}),
    )
    community = IdChoiceField(
        label=_("Community"),
        queryset=Organization.objects.areas(),
        error_messages={"required": _("Choose the community."), "invalid_choice": _("Choose the community.")},
    )
    # Set by the station poster's QR code (?station=), never picked from a list: a district may have
    # thousands of stations, and a select of all of them would weigh hundreds of kilobytes.
    station = IdChoiceField(
        queryset=Station.objects.filter(status=Station.Status.OPEN),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("This hive station is not open; send the report without it.")},
    )

    # The draft's key, made by the courier's phone (static/js/report_drafts.js): sending the same draft
    # again answers with the report it already made (issues.workflow.submit_report).
    client_key = forms.UUIDField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("This report's sending key could not be read. Please send the report again.")},
    )

    def clean(self):
        data = super().clean()
        position = parse_position(data.get("latitude"), data.get("longitude"))
        if position is False:
            self.add_error("address", _("Your position could not be read. Please type the address instead."))
            position = None
        data["latitude"], data["longitude"] = position or (None, None)
        if position is None and not data.get("address") and "address" not in self.errors:
            self.add_error("address", _("Give the place: share your position or type the address."))
        return data


def draft_key(data):
    """The draft key of a sent form, or None when there is none or it cannot be read (the form says so)."""
    field = ReportForm.base_fields["client_key"]
    try:
        return field.clean(data.get("client_key"))
    except forms.ValidationError:
        return None


class DispatchForm(Prompted, forms.Form):
    prompts = {"organization": _("Choose the handling organization")}
    organization = IdChoiceField(label=_("Handling organization"), queryset=Organization.objects.all())
    deadline = DateTimeField(
        label=_("Deadline"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty to use the category's time limit."),
    )
    note = forms.CharField(label=_("Note to the handler"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RejectForm(Prompted, forms.Form):
    prompts = {"reason": _("Choose a reason")}
    # "Merged" is the MERGE move's own end, never a reason typed here.
    reason = forms.ChoiceField(
        label=_("Reason"), choices=[(v, label) for v, label in RejectReason.choices if v != RejectReason.MERGED]
    )
    duplicate_of = forms.CharField(
        label=_("Duplicate of (reference number)"), required=False, help_text=_("e.g. BF000012")
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        text, data["duplicate_of"] = data.get("duplicate_of"), None
        if data.get("reason") == RejectReason.DUPLICATE:
            pk = Report.pk_from_reference(text)
            original = Report.objects.filter(pk=pk).first() if pk else None
            if original is None:
                self.add_error("duplicate_of", _("Enter the reference number of an existing report."))
            data["duplicate_of"] = original
        return data


class MergeForm(forms.Form):
    """Same problem as an open report: its reference (BF…). Whether the coordinator may see it, and
    whether it is open, is the MERGE move's to say (issues.workflow), so an unknown number and one the
    user may not see get the same answer."""

    into = forms.CharField(
        label=_("Same problem as (reference number)"),
        max_length=20,
        help_text=_("e.g. BF000012: an open report of the same problem, usually the first of the possible duplicates."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_into(self):
        pk = Report.pk_from_reference(self.cleaned_data["into"])
        if pk is None:
            raise forms.ValidationError(_("Enter a reference number such as BF000012."))
        return pk


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(forms.Form):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    # No `capture` attribute: the phone offers the camera or the gallery (a photo taken earlier at the place).
    photo = forms.FileField(
        label=_("Photo after the work"),
        widget=forms.FileInput(attrs={"accept": "image/*"}),
        help_text=_("Take a photo, or choose one from the gallery."),
    )

    def clean(self):
        """The resolve move takes processed photos (beefeed.photos): the upload is processed here."""
        data = super().clean()
        upload = data.pop("photo", None)
        if upload is not None:
            try:
                data["photos"] = [photos.process(upload)]
            except photos.PhotoError as error:
                self.add_error("photo", str(error))
        return data


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RatingForm(forms.Form):
    """The reporter's re-check: how well was it fixed? The photo is handled by the view."""

    score = forms.ChoiceField(
        label=_("How well was it fixed?"),
        choices=Rating.Score.choices,
        widget=ChoiceButtons,
        error_messages={
            "required": _("Choose one of the three ratings."),
            "invalid_choice": _("Choose one of the three ratings."),
        },
    )
    comment = forms.CharField(
        label=_("What did you see?"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("At most %(limit_value)d characters (you typed %(show_value)d).")},
    )
