"""Pictures for tests, drawn with Pillow."""

import io

from PIL import Image


def jpeg_bytes(size=(800, 600), color=(200, 60, 60), exif=None, quality=85):
    image = Image.new("RGB", size, color)
    # a marker in the top-left corner, to see where "up" ends up
    image.paste((0, 0, 255), (0, 0, size[0] // 4, size[1] // 4))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def exif_with_gps_and_orientation(orientation=6):
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (30.0, 16.0, 12.5), 3: "E", 4: (118.0, 8.0, 24.0)}
    exif[0x8825] = gps  # GPSInfo
    return exif


SECRET = b"13800138000"  # metadata a picture must not carry into the media root


def seal_png_bytes(size=(240, 240)):
    """A seal as an office scans it: transparent around a red disc, with a text chunk, EXIF (GPS
    included), an ICC profile, and bytes after the end of the image (IEND)."""
    from PIL import ImageCms, ImageDraw, PngImagePlugin

    image = Image.new("RGBA", size, (255, 255, 255, 0))
    ImageDraw.Draw(image).ellipse((20, 20, size[0] - 20, size[1] - 20), fill=(200, 16, 46, 255))
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", f"scanned by {SECRET.decode()}")
    text.add_itxt("Comment", "龙西社区公章", zip=True)
    out = io.BytesIO()
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image.save(out, "PNG", pnginfo=text, exif=exif_with_gps_and_orientation(1), icc_profile=profile)
    return out.getvalue() + b"TRAILING " + SECRET


def jpeg_with_comment_bytes():
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (10, 120, 10)).save(out, "JPEG", comment=b"courier " + SECRET)
    return out.getvalue()
