"""Pieces every app's admin uses: the base classes whose selects open with a prompt, scoping to one's
community, pictures that pass through beefeed.photos, and actions that ask for a reason first."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beefeed import photos
from beefeed.forms import prompt

# The action menu's first, empty choice (a list: Django's ModelAdmin adds the actions to a copy of it).
ACTION_PROMPT = [("", gettext_lazy("Choose an action"))]


class PromptedAdmin:
    """Every select of an admin form opens with a prompt (beefeed.forms: "请选择", not Django's
    "---------"), and so does the action menu above a list. Every ModelAdmin and inline derives
    from it through the classes below (a test walks the admin to be sure)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(field, "widget", None)
        widget = getattr(widget, "widget", widget)  # inside the admin's add/change links
        if isinstance(widget, forms.Select) and not isinstance(widget, forms.RadioSelect):
            prompt(field)
        return field

    def get_action_choices(self, request, default_choices=ACTION_PROMPT):
        return super().get_action_choices(request, default_choices)


class ModelAdmin(PromptedAdmin, admin.ModelAdmin):
    pass


class TabularInline(PromptedAdmin, admin.TabularInline):
    pass


class StackedInline(PromptedAdmin, admin.StackedInline):
    pass


class ProcessedImageField(forms.ImageField):
    """An uploaded picture goes through beefeed.photos: upright, no metadata, bounded size, a random name.

    Every admin form that uploads a picture uses it (a test walks the admin to be sure).
    keep_transparency: a PNG with its alpha channel (a seal) instead of a JPEG.
    """

    def __init__(self, *, keep_transparency=False, **kwargs):
        self.keep_transparency = keep_transparency
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if value and value is not initial and hasattr(value, "read"):
            value.seek(0)
            try:
                processed = photos.process(value, keep_transparency=self.keep_transparency)
            except photos.PhotoError as error:
                raise forms.ValidationError(str(error)) from None
            return processed.files()[0]
        return value


def community_scoped(request, queryset, field):
    """Coordinators see everything; a handler sees only what belongs to their own community (User.scope)."""
    return request.user.scope(queryset, field)


class ReadOnlyAdminMixin:
    """For records written by the code (timelines, notices, tallies): the admin only shows them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200, widget=forms.Textarea(attrs={"rows": 3}))


def ask_then(modeladmin, request, queryset, *, action, title, submit_label, describe, apply):
    """An admin action that needs a reason first: show the form, then `apply(obj, reason)` to each.

    `apply` refuses one object by raising a ValueError whose message is for the person who asked
    (the ledger's PointsError is one): that object is named in a warning, the others go on.
    """
    if "reason" in request.POST:
        form = ReasonForm(request.POST)
        if form.is_valid():
            done = 0
            for obj in queryset:
                try:
                    apply(obj, form.cleaned_data["reason"])
                    done += 1
                except ValueError as error:
                    messages.warning(request, f"{describe(obj)}: {error}")
            if done:
                messages.success(request, _("%(n)d done.") % {"n": done})
            return None
    else:
        form = ReasonForm()
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "form": form,
        "items": [describe(obj) for obj in queryset],
        "selected": [obj.pk for obj in queryset],
        "action": action,
        "title": title,
        "submit_label": submit_label,
    }
    return render(request, "admin/action_form.html", context)
