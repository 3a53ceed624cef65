"""Photos from the street: checked, turned upright, stripped, shrunk.

Every photo that reaches the media root has passed through `process()`: it
is a real image within the size and pixel limits, re-encoded as a JPEG
without any metadata (a phone's photo carries the courier's GPS position),
at most 1600 px on its longest side, with a 400 px thumbnail. A picture
that must keep its transparency (a seal) is re-encoded as a PNG instead.
"""

import io
import math
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO", "HEIF", "BMP"}
FULL_SIZE = 1600
THUMB_SIZE = 400


class PhotoError(ValueError):
    """A photo we refuse; the message is for the person who sent it."""


@dataclass
class ProcessedPhoto:
    full: bytes
    thumbnail: bytes
    width: int
    height: int
    extension: str = "jpg"

    def files(self):
        """The two files under fresh random names."""
        stem, ext = uuid.uuid4().hex, self.extension
        return ContentFile(self.full, name=f"{stem}.{ext}"), ContentFile(self.thumbnail, name=f"{stem}_t.{ext}")


def _limits():
    return settings.PHOTO_MAX_BYTES, settings.PHOTO_MAX_PIXELS


def process(upload, *, keep_transparency=False):
    """Check and re-encode one uploaded file; raise PhotoError if refused."""
    max_bytes, max_pixels = _limits()
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise PhotoError(_("The photo is too large (at most %(mb)d MB).") % {"mb": max_bytes // (1024 * 1024)})
    if not size:
        raise PhotoError(_("The photo file is empty. Please take or choose the photo again."))
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise PhotoError(_("The photo is too large (at most %(mb)d MB).") % {"mb": max_bytes // (1024 * 1024)})
    return process_bytes(data, max_pixels=max_pixels, keep_transparency=keep_transparency)


def process_bytes(data, *, max_pixels=None, keep_transparency=False):
    if max_pixels is None:
        max_pixels = _limits()[1]
    not_an_image = PhotoError(_("This file is not a photo we can read. Please send a JPEG, PNG or WebP picture."))
    try:
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise not_an_image from None
    with image:
        if image.format not in ACCEPTED_FORMATS:
            raise not_an_image
        width, height = image.size
        if width < 1 or height < 1 or width * height > max_pixels:
            raise PhotoError(
                _("The picture has too many pixels (at most %(mp)d million).") % {"mp": max_pixels // 1_000_000}
            )
        try:
            if image.format in ("JPEG", "MPO"):
                # Decode a 12 MP photo at 1/2, 1/4 or 1/8 scale: far less time and memory. The
                # request is the size the photo will have, not the square box, or a 4:3 photo
                # would never qualify for halving.
                scale = FULL_SIZE / max(width, height)
                if scale < 1:
                    image.draft("RGB", (math.ceil(width * scale), math.ceil(height * scale)))
            upright = ImageOps.exif_transpose(image) or image
            picture = upright.convert("RGBA") if keep_transparency and _has_alpha(upright) else _to_rgb(upright)
            picture.info = {}  # a new image: nothing of the upload's metadata (comment, ICC profile, text) is written
            picture.thumbnail((FULL_SIZE, FULL_SIZE), Image.Resampling.LANCZOS)
            thumb = picture.copy()
            thumb.thumbnail((THUMB_SIZE, THUMB_SIZE), Image.Resampling.LANCZOS)
            if keep_transparency:
                full, thumbnail = _png(picture), _png(thumb)
            else:
                full, thumbnail = _jpeg(picture, quality=82), _jpeg(thumb, quality=75)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, EOFError):
            raise PhotoError(_("The photo is damaged or incomplete. Please take or choose it again.")) from None
    return ProcessedPhoto(
        full=full,
        thumbnail=thumbnail,
        width=picture.width,
        height=picture.height,
        extension="png" if keep_transparency else "jpg",
    )


def _has_alpha(image):
    return image.mode in ("RGBA", "LA", "PA") or (image.mode in ("P", "L", "RGB") and "transparency" in image.info)


def _to_rgb(image):
    if _has_alpha(image):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale: scale down to 8 bits before converting.
        return image.point(lambda v: v / 256).convert("L").convert("RGB")
    return image.convert("RGB")


def _jpeg(image, *, quality):
    out = io.BytesIO()
    # No exif=, no icc_profile=: nothing of the original's metadata is written.
    image.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def _png(image):
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
