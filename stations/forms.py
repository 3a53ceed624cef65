import re

from django import forms
from django.utils.translation import gettext_lazy as _

from beefeed import phones
from beefeed.parsing import IdChoiceField
from stations.models import Pledge

DIGITS_ONLY = re.compile(r"^[0-9]+$")


class PledgeForm(forms.Form):
    """The public's offer to a station. Keeps what was typed on every error; the contact goes to
    the coordinators only."""

    wish = IdChoiceField(
        label=_("What you offer"),
        queryset=None,
        required=False,
        empty_label=_("Something else (write it below)"),
        error_messages={"invalid_choice": _("That item is no longer on this station's wish list.")},
    )
    offer = forms.CharField(
        label=_("Or describe it"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 一台微波炉, 两箱矿泉水")}),
    )
    quantity = forms.IntegerField(
        label=_("How many"),
        min_value=1,
        max_value=999,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Write how many."),
            "invalid": _("Write the quantity as a whole number, e.g. 2."),
            "min_value": _("The quantity is at least 1."),
            "max_value": _("For more than 999, please write to the coordinators in the message."),
        },
    )
    organization = forms.CharField(
        label=_("Organization"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization", "placeholder": _("e.g. 黄山家电城")}),
    )
    giver_name = forms.CharField(
        label=_("Your name"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    public_as = forms.ChoiceField(
        label=_("On the station's page, thank"),
        choices=Pledge.PublicAs.choices,
        initial=Pledge.PublicAs.ORGANIZATION,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how we may thank you."),
            "invalid_choice": _("Choose how we may thank you."),
        },
    )
    contact = forms.CharField(
        label=_("How to reach you"),
        max_length=100,
        help_text=_("A phone number, WeChat ID or e-mail. Only the coordinators see it; it is never published."),
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
        error_messages={
            "required": _("Write a phone number, WeChat ID or e-mail so that the coordinators can reach you.")
        },
    )
    message = forms.CharField(
        label=_("Message to the coordinators"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("e.g. when you could bring it")}),
    )

    def __init__(self, *args, station, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wish"].queryset = station.wishes.all()

    def clean_contact(self):
        contact = self.cleaned_data["contact"].strip()
        number = phones.normalize(contact)
        if DIGITS_ONLY.match(number):
            if len(number) == 11 and number.startswith("1"):
                if not phones.is_mainland_mobile(number):
                    raise forms.ValidationError(_("That mobile number looks wrong: 11 digits, e.g. 13812345678."))
            elif not 7 <= len(number) <= 12:
                raise forms.ValidationError(
                    _("Write a mobile number (11 digits) or a landline with its area code, e.g. 0559-1234567.")
                )
            return number
        if len(contact) < 5:
            raise forms.ValidationError(_("Write a phone number, WeChat ID or e-mail of at least 5 characters."))
        return contact

    def clean(self):
        cleaned = super().clean()
        cleaned["offer"] = (cleaned.get("offer") or "").strip()
        if not cleaned.get("wish") and not cleaned["offer"] and "wish" not in self.errors:
            self.add_error("offer", _("Choose an item from the wish list or write what you offer."))
        cleaned["organization"] = (cleaned.get("organization") or "").strip()
        cleaned["giver_name"] = (cleaned.get("giver_name") or "").strip()
        if not cleaned["organization"] and not cleaned["giver_name"]:
            self.add_error("organization", _("Write your organization or your name."))
        if cleaned.get("public_as") == Pledge.PublicAs.NAME and not cleaned["giver_name"]:
            self.add_error("giver_name", _("Write your name, or choose another way to be thanked."))
        return cleaned
