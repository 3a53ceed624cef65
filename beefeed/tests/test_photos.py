"""Photos are checked, turned upright, stripped of metadata and shrunk."""

import io

import pytest
from PIL import Image

from beefeed import photos
from beefeed.tests.images import (
    SECRET,
    exif_with_gps_and_orientation,
    jpeg_bytes,
    jpeg_with_comment_bytes,
    seal_png_bytes,
)


def opened(data):
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_it_turns_the_photo_upright_by_exif_orientation():
    # Orientation 6: the camera was held sideways; the picture must be turned 90°.
    result = photos.process_bytes(jpeg_bytes(size=(800, 600), exif=exif_with_gps_and_orientation(6)))
    assert (result.width, result.height) == (600, 800)
    image = opened(result.full)
    # The blue marker, top-left in the stored pixels, is top-right once upright.
    assert image.getpixel((image.width - 10, 10))[2] > 200
    assert image.getpixel((10, 10))[2] < 120


def test_no_metadata_survives_gps_included():
    result = photos.process_bytes(jpeg_bytes(exif=exif_with_gps_and_orientation(1)))
    for data in (result.full, result.thumbnail):
        image = opened(data)
        exif = image.getexif()
        assert len(exif) == 0
        assert exif.get_ifd(0x8825) == {}
        assert b"PhoneMaker" not in data
        assert "exif" not in image.info


def test_it_bounds_the_size_and_makes_a_thumbnail():
    result = photos.process_bytes(jpeg_bytes(size=(4000, 3000)))
    assert max(opened(result.full).size) == 1600
    assert max(opened(result.thumbnail).size) == 400


def test_small_photos_are_not_enlarged():
    result = photos.process_bytes(jpeg_bytes(size=(640, 480)))
    assert opened(result.full).size == (640, 480)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_become_jpeg(fmt):
    image = Image.new("RGBA", (300, 200), (0, 128, 0, 128))
    out = io.BytesIO()
    image.save(out, fmt)
    result = photos.process_bytes(out.getvalue())
    assert opened(result.full).format == "JPEG"
    assert opened(result.full).mode == "RGB"


def test_sixteen_bit_png_is_accepted():
    image = Image.new("I;16", (120, 80), 40000)
    out = io.BytesIO()
    image.save(out, "PNG")
    assert opened(photos.process_bytes(out.getvalue()).full).mode == "RGB"


def test_cmyk_jpeg_is_accepted():
    image = Image.new("CMYK", (120, 80), (0, 50, 100, 0))
    out = io.BytesIO()
    image.save(out, "JPEG")
    assert opened(photos.process_bytes(out.getvalue()).full).mode == "RGB"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"just some text, not a picture",
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
        jpeg_bytes()[:400],
    ],
    ids=["empty", "text", "svg", "pdf", "truncated-jpeg"],
)
def test_it_refuses_what_is_not_a_readable_photo(data):
    with pytest.raises(photos.PhotoError):
        photos.process_bytes(data)


def test_it_refuses_too_many_pixels():
    # A decompression bomb: tiny file, huge dimensions.
    image = Image.new("1", (9000, 9000))
    out = io.BytesIO()
    image.save(out, "PNG")
    assert len(out.getvalue()) < 200_000
    with pytest.raises(photos.PhotoError, match="像素|pixels"):
        photos.process_bytes(out.getvalue())


def test_it_refuses_files_over_the_size_limit(settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.PHOTO_MAX_BYTES = 10_000
    upload = SimpleUploadedFile("big.jpg", jpeg_bytes(size=(1200, 900), quality=95), content_type="image/jpeg")
    with pytest.raises(photos.PhotoError, match="MB"):
        photos.process(upload)


def test_names_are_random_and_unguessable():
    result = photos.process_bytes(jpeg_bytes())
    (a, _), (b, _) = result.files(), result.files()
    assert a.name != b.name and len(a.name) >= 36


def test_a_jpeg_comment_does_not_survive():
    result = photos.process_bytes(jpeg_with_comment_bytes())
    for data in (result.full, result.thumbnail):
        assert SECRET not in data
        assert "comment" not in opened(data).info


def test_a_picture_that_keeps_its_transparency_becomes_a_fresh_png():
    upload = seal_png_bytes()
    assert all(chunk in upload for chunk in (b"tEXt", b"iTXt", b"eXIf", b"iCCP", SECRET))
    result = photos.process_bytes(upload, keep_transparency=True)
    for data in (result.full, result.thumbnail):
        image = opened(data)
        assert image.format == "PNG" and image.mode == "RGBA"
        assert image.getpixel((2, 2))[3] == 0  # the corner stays transparent
        assert image.getpixel((image.width // 2, image.height // 2)) == (200, 16, 46, 255)
        assert not image.getexif() and not image.text
        assert set(image.info) <= {"dpi", "gamma"}  # Pillow's own reading, nothing from the upload
        assert SECRET not in data and b"Author" not in data and b"iCCP" not in data
        assert data.endswith(b"IEND\xaeB`\x82")  # nothing after the end of the image
    assert opened(result.full).size == (240, 240)
    full, thumbnail = result.files()
    assert full.name.endswith(".png") and thumbnail.name.endswith("_t.png")


def test_a_picture_kept_as_png_is_still_turned_upright_and_bounded():
    result = photos.process_bytes(
        jpeg_bytes(size=(4000, 3000), exif=exif_with_gps_and_orientation(6)), keep_transparency=True
    )
    assert opened(result.full).size == (1200, 1600)
    assert opened(result.full).format == "PNG"
