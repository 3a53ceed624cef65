"""Moderation before publication: what the public reads and sees of a report.

A coordinator may give the report a public description (the courier's own `description` stays,
for the staff), hide a photo from the public, and cover parts of a photo — faces, number plates,
door numbers — with rectangles drawn in the browser. `moderate()` is the one home of all three:
the admin's moderation page calls it, nothing else writes `Report.public_description` or a
photo's `hidden`, `covered`, `public_image` and `public_thumbnail`.

Covering never touches the original: each photo's areas are applied to a fresh copy of the
original (so drawing again replaces the earlier areas, and removing them all brings the original
back), pixelated in coarse blocks, and stored as a JPEG with the original's own quantization
tables and chroma subsampling: decoding and encoding again with the same tables gives back the
same pixels, so outside the 16-pixel blocks an area touches the public copy is the original pixel
for pixel, at the original's size on the wire (a lossless PNG was six times larger), with a JPEG
thumbnail, under new random names. Every public
output reads `report.public_text`, `report.public_before_photos` / `public_after_photos` and
`photo.public_url` / `public_thumbnail_url`; issues.photo_access serves the public nothing else.
"""

import io
import json
import logging
import math
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from PIL import Image, JpegImagePlugin, UnidentifiedImageError

from beefeed import generations, staging
from beefeed.photos import THUMB_SIZE
from issues.models import Action, Report, ReportEvent, ReportPhoto

logger = logging.getLogger(__name__)

MAX_AREAS = 20  # per photo: more is a mistake in the drawing, not a photo
MAX_AREAS_TEXT = 4000  # characters of the posted JSON
MAX_PUBLIC_DESCRIPTION = 4000
# The areas are cut into blocks of this many pixels at least, and at most BLOCKS_ACROSS blocks
# along the area's longer side: too coarse to read a face, a plate's characters or a door number.
MIN_BLOCK_PX = 12
BLOCKS_ACROSS = 8


class ModerationError(ValueError):
    """A moderation we refuse; the message is for the coordinator, and nothing was changed."""


def may_moderate(user):
    return bool(user and user.is_authenticated and user.is_active and user.is_staff and user.is_coordinator)


def parse_areas(value, *, number):
    """Relative rectangles [[x, y, width, height], ...] (0..1 of the photo's width and height), from the
    posted JSON text or a list; ModerationError naming photo `number` when they cannot be used."""
    if isinstance(value, str):
        if len(value) > MAX_AREAS_TEXT:
            raise ModerationError(
                _("Photo %(n)d: at most %(max)d covered areas per photo.") % {"n": number, "max": MAX_AREAS}
            )
        try:
            value = json.loads(value.strip() or "[]")
        except ValueError:
            raise ModerationError(
                _("Photo %(n)d: the covered areas could not be read. Please draw them again.") % {"n": number}
            ) from None
    if not isinstance(value, list) or not all(isinstance(area, list) and len(area) == 4 for area in value):
        raise ModerationError(
            _("Photo %(n)d: the covered areas could not be read. Please draw them again.") % {"n": number}
        )
    if len(value) > MAX_AREAS:
        raise ModerationError(
            _("Photo %(n)d: at most %(max)d covered areas per photo.") % {"n": number, "max": MAX_AREAS}
        )
    areas = []
    for area in value:
        numbers = [v for v in area if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)]
        if len(numbers) != 4:
            raise ModerationError(
                _("Photo %(n)d: the covered areas could not be read. Please draw them again.") % {"n": number}
            )
        x, y, width, height = (round(float(v), 5) for v in numbers)
        if x < 0 or y < 0 or width <= 0 or height <= 0 or x + width > 1.00001 or y + height > 1.00001:
            raise ModerationError(
                _("Photo %(n)d: a covered area lies outside the picture. Please draw it again.") % {"n": number}
            )
        areas.append([x, y, min(width, 1 - x), min(height, 1 - y)])
    return areas


def pixel_box(area, size):
    """The pixels an area covers, rounded outwards: nothing the coordinator drew over stays readable."""
    x, y, width, height = area
    w, h = size
    left, top = max(0, math.floor(x * w)), max(0, math.floor(y * h))
    right, bottom = min(w, math.ceil((x + width) * w)), min(h, math.ceil((y + height) * h))
    return left, top, max(right, left + 1), max(bottom, top + 1)


def cover(image, areas):
    """A copy of `image` with each area pixelated (averaged in coarse blocks); every other pixel unchanged."""
    covered = image.copy()
    for area in areas:
        box = pixel_box(area, covered.size)
        region = covered.crop(box)
        block = max(MIN_BLOCK_PX, math.ceil(max(region.size) / BLOCKS_ACROSS))
        small = region.resize(
            (max(1, math.ceil(region.width / block)), max(1, math.ceil(region.height / block))), Image.Resampling.BOX
        )
        covered.paste(small.resize(region.size, Image.Resampling.NEAREST), box[:2])
    return covered


@dataclass
class _Rendering:
    full: ContentFile
    thumbnail: ContentFile

    @property
    def names(self):
        return [self.full.name, self.thumbnail.name]


def _encoding_of(original):
    """JPEG settings that re-encode `original`'s decoded pixels to the same pixels: its own quantization
    tables and chroma subsampling (our photos are all JPEGs: beefeed.photos re-encodes every upload)."""
    if original.format != "JPEG":
        return {"quality": 90}
    return {"qtables": original.quantization, "subsampling": JpegImagePlugin.get_sampling(original)}


def _render(photo, areas, *, number):
    """The public version of `photo` with `areas` covered (a JPEG encoded with the original's tables, so
    unchanged outside the areas' blocks) and its JPEG thumbnail."""
    try:
        with photo.image.open("rb") as source, Image.open(source) as original:
            picture = original.convert("RGB")
            same_encoding = _encoding_of(original)
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError):
        raise ModerationError(
            _("Photo %(n)d could not be read from the disk, so it cannot be covered; nothing was changed.")
            % {"n": number}
        ) from None
    covered = cover(picture, areas)
    full = io.BytesIO()
    covered.save(full, "JPEG", **same_encoding)
    thumb = covered.copy()
    thumb.thumbnail((THUMB_SIZE, THUMB_SIZE), Image.Resampling.LANCZOS)
    small = io.BytesIO()
    thumb.save(small, "JPEG", quality=75, optimize=True, progressive=True)
    stem = uuid.uuid4().hex
    return _Rendering(
        ContentFile(full.getvalue(), name=f"{stem}.jpg"), ContentFile(small.getvalue(), name=f"{stem}_t.jpg")
    )


def moderate(report, *, by, public_description=None, photos=None, now=None):
    """Set what the public reads and sees of `report`, for coordinator `by`.

    `public_description`: the text the public reads (None: unchanged; empty or the courier's own
    words: the courier's own words). `photos`: {photo pk: {"hidden": bool, "areas": JSON text or
    list}} for the report's photos to change (a key left out, a photo left out, and pks of other
    reports' photos: unchanged). Everything is checked before anything is written; a ModerationError leaves the report
    and its photos as they were. Writes one internal MODERATE event naming what changed and returns
    it, or None when nothing changed.
    """
    if not may_moderate(by):
        raise ModerationError(_("Only a coordinator may moderate what the public sees."))
    now = now or timezone.now()
    photos = photos or {}
    text = None
    if public_description is not None:
        text = public_description.replace("\r\n", "\n").strip()
        if len(text) > MAX_PUBLIC_DESCRIPTION:
            raise ModerationError(
                _("The public description may be at most %(max)d characters.") % {"max": MAX_PUBLIC_DESCRIPTION}
            )
        if text == report.description.strip():
            text = ""  # the same words: nothing of the courier's text is replaced
    wanted = {}
    for number, photo in enumerate(numbered_photos(report), start=1):
        if photo.pk in photos:
            change = photos[photo.pk]
            areas = parse_areas(change["areas"], number=number) if "areas" in change else photo.covered
            wanted[photo.pk] = (bool(change["hidden"]) if "hidden" in change else photo.hidden, areas)
    # The pictures are made before the row is locked (they take a moment); the lock then decides.
    rendered = {}
    for number, photo in enumerate(numbered_photos(report), start=1):
        if photo.pk in wanted and wanted[photo.pk][1] and wanted[photo.pk][1] != photo.covered:
            rendered[photo.pk] = _render(photo, wanted[photo.pk][1], number=number)
    with staging.uploads() as uploads, transaction.atomic():
        current = Report.objects.select_for_update(of=("self",)).select_related("assignee").get(pk=report.pk)
        done, replaced = [], []
        if text is not None and text != current.public_description:
            current.public_description = text
            current.save(update_fields=["public_description", "updated_at"])
            done.append(_("public description edited") if text else _("public description back to the courier's own"))
        for number, photo in enumerate(numbered_photos(current), start=1):
            if photo.pk not in wanted:
                continue
            hidden, areas = wanted[photo.pk]
            fields = []
            if hidden != photo.hidden:
                photo.hidden = hidden
                fields.append("hidden")
                done.append((_("photo %(n)d hidden") if hidden else _("photo %(n)d shown again")) % {"n": number})
            if areas != photo.covered:
                replaced += [f.name for f in (photo.public_image, photo.public_thumbnail) if f]
                if areas:
                    # Drawn on a copy read before the lock; rendered now if someone changed it meanwhile.
                    files = rendered.get(photo.pk) or _render(photo, areas, number=number)
                    uploads.put(photo.public_image, files.full)
                    uploads.put(photo.public_thumbnail, files.thumbnail)
                    done.append(_("photo %(n)d: %(count)d areas covered") % {"n": number, "count": len(areas)})
                else:
                    photo.public_image = photo.public_thumbnail = ""
                    done.append(_("photo %(n)d: covered areas removed") % {"n": number})
                photo.covered = areas
                fields += ["covered", "public_image", "public_thumbnail"]
            if fields:
                photo.save(update_fields=fields)
        if not done:
            return None
        event = ReportEvent.objects.create(
            report=current,
            action=Action.MODERATE,
            actor=by,
            from_state=current.state,
            to_state=current.state,
            organization=current.assignee,
            note=pgettext("list separator", "; ").join(str(item) for item in done),
            is_public=False,
            created_at=now,
        )
        # The board's pages and counts are cached per generation of the reports: forget them.
        generations.changed("reports")
        staging.after_commit(lambda: _delete_files(replaced))
    report.refresh_from_db()
    return event


def numbered_photos(report):
    """The report's photos as the moderation page numbers them ("photo 1" …): before photos, then after."""
    return list(ReportPhoto.objects.filter(report_id=report.pk).order_by("-kind", "id"))  # "before" > "after"


def _delete_files(names):
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:  # the disk, or a bucket out of reach (botocore's errors are no OSError)
            logger.warning("could not remove replaced photo file %s", name)
