from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from beefeed import phones
from beefeed.forms import Prompted
from beefeed.models import Organization, User
from beefeed.parsing import IdChoiceField, IdField, IdMultipleChoiceField
from beefeed.widgets import CheckButtons, ChoiceButtons
from volunteers.models import Moment, ServiceItem, Volunteer


class JoinForm(Prompted, forms.Form):
    prompts = {"community": _("Choose the community")}

    name = forms.CharField(
        label=_("Full name"),
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Write your name.")},
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        help_text=_("You sign in with it. It is never shown to the public."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"required": _("Write your mobile number.")},
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits."),
        error_messages={"required": _("Choose a password.")},
    )
    work_type = forms.ChoiceField(
        label=_("Your work"), choices=Volunteer.WorkType.choices, widget=ChoiceButtons, initial="courier"
    )
    employer = forms.CharField(
        label=_("Employer or platform"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 美团外卖, 中通快递")}),
    )
    community = IdChoiceField(
        label=_("Home community"),
        queryset=Organization.objects.areas().order_by("name"),
        error_messages={"required": _("Choose your community."), "invalid_choice": _("Choose your community.")},
    )
    party_member = forms.BooleanField(label=_("I am a party member"), required=False)
    show_party_member = forms.BooleanField(
        label=_("Show that I am a party member (亮明身份)"),
        required=False,
        help_text=_(
            "Only if you want. Then your points card, and the 党员先锋岗 of a station where you are on duty, "
            "show it with your family name only (叶*). You can change it on your page at any time."
        ),
    )
    consent = forms.BooleanField(
        label=_("I have read the privacy notice above and agree."),
        error_messages={"required": _("Please read and accept the privacy notice to join.")},
    )

    def clean_name(self):
        name = self.cleaned_data["name"].replace("\x00", "").strip()
        if not name:
            raise forms.ValidationError(_("Write your name."))
        return name

    def clean_phone(self):
        phone = phones.normalize(self.cleaned_data["phone"])
        if not phones.is_mainland_mobile(phone):
            raise forms.ValidationError(_("Write an 11-digit mainland mobile number, e.g. 13812345678."))
        return phone

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            probe = User(username=cleaned.get("phone") or "", phone=cleaned.get("phone") or "")
            probe.first_name = cleaned.get("name") or ""
            try:
                password_validation.validate_password(password, probe)
            except forms.ValidationError as error:
                self.add_error("password", error)
        if cleaned.get("show_party_member") and not cleaned.get("party_member"):
            cleaned["show_party_member"] = False
        return cleaned


class PartyBadgeForm(forms.Form):
    """The volunteer's own choice (亮明身份), on /me/ as at joining."""

    show_party_member = forms.BooleanField(
        label=JoinForm.base_fields["show_party_member"].label,
        help_text=JoinForm.base_fields["show_party_member"].help_text,
        required=False,
    )


class ClaimsForm(forms.Form):
    items = IdMultipleChoiceField(
        label=_("Service items I take on"),
        queryset=ServiceItem.objects.filter(active=True),
        widget=CheckButtons,
        required=False,
    )


class SmsForm(forms.Form):
    moments = forms.MultipleChoiceField(
        label=_("Send me a text message (SMS) when"),
        choices=Moment.choices,
        widget=CheckButtons,
        required=False,
    )


class RedeemForm(forms.Form):
    item = IdField(widget=forms.HiddenInput)
    token = forms.UUIDField(widget=forms.HiddenInput)
