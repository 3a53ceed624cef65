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
