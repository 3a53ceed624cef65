"""Every picture uploaded in the admin goes through beefeed.photos, whichever model holds it."""

import io
import re
from io import StringIO

import pytest
from django import forms as django_forms
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import FileField
from django.test import RequestFactory
from django.urls import reverse
from PIL import Image

from beefeed.admin_tools import ProcessedImageField
from beefeed.models import Organization
from beefeed.tests.images import SECRET, exif_with_gps_and_orientation, jpeg_bytes, seal_png_bytes
from conftest import files_under
from stations.models import Station
from volunteers.models import RewardItem

pytestmark = pytest.mark.django_db

ORIGINAL_NAME = "龙西社区-王协调-13800138000.png"
NOT_AN_IMAGE = "上传的文件不是图片或者是已损坏的图片"  # Django's own message, in Chinese


def posted(page):
    """What the browser sends back for an admin change page as it was shown (forms and inline formsets)."""
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if value is None or value is False or isinstance(field, django_forms.FileField):  # a file is not sent again
                continue
            if value is True:
                value = "on"
            data[form.add_prefix(name)] = value
            if field.show_hidden_initial:
                data[form.add_initial_prefix(name)] = value
    return data


@pytest.fixture
def station(community_a):
    return Station.objects.create(
        name="龙西驿站", community=community_a, address="龙西路1号", latitude=30.27, longitude=118.13
    )


@pytest.fixture
def reward(db):
    return RewardItem.objects.create(name="头盔", points=120, stock=10)


# case: (the admin page, the picture field on it, where the picture lands, its format)
UPLOADS = {
    "seal": ("admin:beefeed_organization_change", "seal", "seals/", "PNG"),
    "volunteer photo": ("admin:volunteers_volunteer_change", "photo", "volunteers/", "JPEG"),
    "reward picture": ("admin:volunteers_rewarditem_change", "picture", "rewards/", "JPEG"),
    "station photo": ("admin:stations_station_change", "photos-new-image", "stations/", "JPEG"),
}


@pytest.fixture
def upload(client, coordinator, community_a, station, volunteer, reward):
    """upload(case, file) posts the admin page holding that picture, the file in its picture field;
    it answers the response and a function giving the stored picture."""
    client.force_login(coordinator)
    pages = {
        "seal": (community_a, lambda: Organization.objects.get(pk=community_a.pk).seal),
        "volunteer photo": (volunteer, lambda: type(volunteer).objects.get(pk=volunteer.pk).photo),
        "reward picture": (reward, lambda: RewardItem.objects.get(pk=reward.pk).picture),
        "station photo": (station, lambda: getattr(station.photos.first(), "image", None)),
    }

    def send(case, file):
        view, field = UPLOADS[case][:2]
        obj, stored = pages[case]
        url = reverse(view, args=[obj.pk])
        data = posted(client.get(url))
        if field == "photos-new-image":  # a new row in the station's photo inline
            n = int(data["photos-TOTAL_FORMS"])
            data["photos-TOTAL_FORMS"] = n + 1
            data.update({f"photos-{n}-caption": "", f"photos-{n}-position": 0})
            field = f"photos-{n}-image"
        data[field] = file
        return client.post(url, data), stored

    return send


def upright_jpeg_with_gps(name=ORIGINAL_NAME):
    data = jpeg_bytes(size=(800, 600), exif=exif_with_gps_and_orientation(6)) + b"TRAILING " + SECRET
    return SimpleUploadedFile(name, data, "image/jpeg")


@pytest.mark.parametrize("case", UPLOADS)
def test_an_uploaded_picture_is_stored_clean_under_a_random_name(upload, media_root, case):
    folder, fmt = UPLOADS[case][2:]
    file = SimpleUploadedFile(ORIGINAL_NAME, seal_png_bytes(), "image/png") if fmt == "PNG" else upright_jpeg_with_gps()
    response, stored = upload(case, file)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    picture = stored()
    extension = fmt.lower().replace("jpeg", "jpg")
    assert re.fullmatch(rf"{folder}[0-9a-f]{{32}}\.{extension}", picture.name)
    [path] = files_under(media_root)  # only the re-encoded picture, not the upload, not a thumbnail
    data = path.read_bytes()
    assert SECRET not in data and b"PhoneMaker" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == fmt and not image.getexif()
        if fmt == "PNG":
            assert image.mode == "RGBA" and image.getpixel((2, 2))[3] == 0 and not image.text
            assert data.endswith(b"IEND\xaeB`\x82")
        else:
            assert image.size == (600, 800)  # turned upright


@pytest.mark.parametrize("case", UPLOADS)
@pytest.mark.parametrize(
    "content",
    [b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", b"MZ\x90\x00 not a picture"],
    ids=["svg", "executable"],
)
def test_a_file_that_is_not_a_picture_is_refused_in_chinese_and_nothing_is_stored(upload, media_root, case, content):
    response, stored = upload(case, SimpleUploadedFile(ORIGINAL_NAME, content, "image/png"))
    assert response.status_code == 200
    assert NOT_AN_IMAGE in response.content.decode()
    assert not stored()
    assert files_under(media_root) == []


def test_a_picture_pillow_opens_but_the_pipeline_refuses_is_explained(upload, media_root):
    tiff = io.BytesIO()
    Image.new("RGB", (40, 40)).save(tiff, "TIFF")
    response, stored = upload("seal", SimpleUploadedFile("seal.tif", tiff.getvalue(), "image/tiff"))
    assert response.status_code == 200
    assert "无法识别此文件为照片" in response.content.decode()
    assert not stored() and files_under(media_root) == []


def test_every_picture_field_in_every_admin_form_goes_through_the_pipeline(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    checked = []
    for model_admin in admin.site._registry.values():
        forms = [model_admin.get_form(request)]
        forms += [inline.get_formset(request).form for inline in model_admin.get_inline_instances(request)]
        for form in forms:
            for field in form._meta.model._meta.get_fields():
                if isinstance(field, FileField) and field.name in form.base_fields:
                    checked.append(f"{form._meta.model._meta.label}.{field.name}")
                    assert isinstance(form.base_fields[field.name], ProcessedImageField), checked[-1]
    assert set(checked) >= {
        "beefeed.Organization.seal",
        "stations.StationPhoto.image",
        "volunteers.Volunteer.photo",
        "volunteers.RewardItem.picture",
    }


def test_no_select_in_the_admin_opens_on_dashes(client, admin_user):
    """Every list's action menu and every select of every add and change page opens with a prompt in
    Chinese ("请选择操作", "请选择"), never Django's "---------": walked over the demo district."""
    call_command("load_demo", force=True, stdout=StringIO())
    client.force_login(admin_user)
    walked = []
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        pages = [reverse("admin:{}_{}_changelist".format(*info))]
        if model_admin.has_add_permission(_as(admin_user)):
            pages.append(reverse("admin:{}_{}_add".format(*info)))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
        for page in pages:
            response = client.get(page, follow=True)  # the triage desk sends a handled report to its page
            assert response.status_code == 200, page
            body = response.content.decode()
            assert "---------" not in body, page
            walked.append(body)
    assert any("请选择操作" in body for body in walked)
    assert any(">请选择</option>" in body for body in walked)


def _as(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request
