"""What every BeeFeed form shares: a select opens with a prompt a person can read.

Django starts an optional or unchosen select with "---------"; BeeFeed's forms start it with what
to do ("请选择社区"). `Prompted` is the one home of that rule: a form lists its prompts, and any
other select that still starts with an empty choice gets a plain "请选择".
"""

from django import forms
from django.utils.translation import gettext_lazy as _

PLEASE_CHOOSE = _("Please choose")


def prompt(field, text=None):
    """Give `field`'s select a first, empty choice that reads `text` (or "请选择").

    A required choice field without an empty choice gets one only when `text` is given: the person
    then has to pick, instead of sending the first entry by accident."""
    if isinstance(field, forms.ModelChoiceField) and not isinstance(field, forms.ModelMultipleChoiceField):
        if field.empty_label is not None or text:
            field.empty_label = text or PLEASE_CHOOSE
            field.widget.choices = field.choices  # a fresh iterator that reads the new label
        return
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.MultipleChoiceField):
        choices = list(field.choices)
        if choices and choices[0][0] in ("", None):
            field.choices = [("", text or PLEASE_CHOOSE), *choices[1:]]
        elif text:
            field.choices = [("", text), *choices]


class Prompted:
    """Form mixin: `prompts = {"community": _("Choose the community")}`; every other select with an
    empty first choice says "请选择". Widgets that show no empty choice (buttons) are left as they are."""

    prompts = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Select) and not isinstance(field.widget, forms.RadioSelect):
                prompt(field, self.prompts.get(name))
