from django import forms


class ChoiceButtons(forms.RadioSelect):
    """Big tappable buttons instead of tiny radio dots (one hand, on a scooter)."""

    template_name = "widgets/choice_buttons.html"


class CheckButtons(forms.CheckboxSelectMultiple):
    template_name = "widgets/check_buttons.html"
