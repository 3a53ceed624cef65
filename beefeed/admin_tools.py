"""Pieces every app's admin uses: scoping to one's community, and pictures that pass through beefeed.photos."""

from django import forms

from beefeed import photos


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
