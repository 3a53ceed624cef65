"""Moderation before publication (issue 16, item 3): the public gets only the moderated text and photos."""

import functools
import io
import json
import random
import re

import pytest
from django.urls import reverse
from PIL import Image, ImageChops, ImageFilter, ImageStat

from beefeed import photos
from conftest import files_under
from issues import moderation, workflow
from issues.models import Action, Report, ReportEvent, ReportPhoto

pytestmark = pytest.mark.django_db

ORIGINAL_TEXT = "广场花苑小区3栋的垃圾桶坏了，3栋502的张大妈天天往外扔，车牌皖J·88888的车也常停这里"
PUBLIC_TEXT = "广场花苑小区3栋的垃圾桶坏了"
SECRET_PART = "张大妈"
AREA = [0.25, 0.2, 0.3, 0.4]  # x, y, width, height of the photo


@functools.cache
def noisy_photo(seed=1, size=(800, 600)):
    """A photo with texture everywhere (gradients and grain, as a street photo has): covering must show
    in the statistics."""
    random.seed(seed)
    light = Image.linear_gradient("L").resize(size)
    base = Image.merge("RGB", [light, light.rotate(90 * seed), Image.new("L", size, 40 * seed)])
    picture = Image.blend(base, Image.effect_noise(size, 24).convert("RGB"), 0.35)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90)
    return photos.process_bytes(out.getvalue())


@pytest.fixture
def published(volunteer, category, community_a, coordinator, handler_a):
    report = workflow.submit_report(
        volunteer=volunteer,
        category=category,
        description=ORIGINAL_TEXT,
        community=community_a,
        latitude=30.2745,
        longitude=118.1322,
        address="广场花苑小区3栋",
        photos=[noisy_photo(1)],
        notify=False,
    )
    workflow.dispatch(report, by=coordinator, organization=community_a, notify=False)
    workflow.start(report, by=handler_a, notify=False)
    workflow.resolve(report, by=handler_a, note="已更换垃圾桶", photos=[noisy_photo(2)], notify=False)
    workflow.publish(report, by=coordinator, notify=False)
    return report


def before(report):
    return report.photos.get(kind="before")


def after(report):
    return report.photos.get(kind="after")


def moderate_url(report):
    return reverse("admin:issues_report_moderate", args=[report.pk])


def post_moderation(client, report, *, description=None, areas=None, hide=()):
    data = {"public_description": report.description if description is None else description}
    for photo in report.photos.all():
        data[f"areas-{photo.pk}"] = json.dumps((areas or {}).get(photo.pk, photo.covered))
        if photo.pk in hide:
            data[f"hide-{photo.pk}"] = "on"
    return client.post(moderate_url(report), data)


def decoded(field):
    with field.open("rb") as f, Image.open(f) as image:
        return image.convert("RGB")


def detail(image):
    """How much neighbouring pixels differ, on average: what makes a face or a plate readable."""
    return sum(ImageStat.Stat(image.filter(ImageFilter.FIND_EDGES)).mean)


def distinct_colours(image):
    return len(image.getcolors(maxcolors=image.width * image.height))


def original_urls(photo):
    return [photo.image.url, photo.thumbnail.url]


@pytest.fixture
def moderated(client, published, coordinator, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_moderation(
            client, published, description=PUBLIC_TEXT, areas={before(published).pk: [AREA]}, hide={after(published).pk}
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    published.refresh_from_db()
    return published


# --- the picture -----------------------------------------------------------------------------


def test_the_public_photo_is_pixelated_inside_the_rectangle_and_pixel_identical_outside(moderated):
    photo = before(moderated)
    original, public = decoded(photo.image), decoded(photo.public_image)
    assert public.size == original.size
    box = moderation.pixel_box(AREA, original.size)
    inside_original, inside_public = original.crop(box), public.crop(box)
    # Inside: a grainy picture becomes a few flat blocks (at most 8 across the longer side): the fine
    # detail (edges between neighbouring pixels) is gone, and the colours are far fewer.
    assert distinct_colours(inside_original) > 10_000
    assert distinct_colours(inside_public) < distinct_colours(inside_original) / 5
    assert detail(inside_public) < detail(inside_original) / 10
    # Outside the 16-pixel JPEG blocks the area touches, the picture is the original's: encoded again
    # with the original's own tables, all but a few pixels come back identical, none visibly changed.
    blocks = (box[0] // 16 * 16, box[1] // 16 * 16, -(-box[2] // 16) * 16, -(-box[3] // 16) * 16)
    original.paste((0, 0, 0), blocks)
    public.paste((0, 0, 0), blocks)
    difference = ImageChops.difference(original, public).convert("L")
    changed = sum(difference.histogram()[1:])
    assert changed < 0.05 * original.width * original.height
    assert ImageStat.Stat(difference).mean[0] < 0.5
    assert difference.getextrema()[1] <= 16
    # The public thumbnail is made from the covered picture, not from the original.
    assert photo.public_thumbnail.name != photo.thumbnail.name
    assert decoded(photo.public_thumbnail).size == decoded(photo.thumbnail).size


def test_the_original_files_stay_untouched(published, client, coordinator):
    photo = before(published)
    with photo.image.open("rb") as f:
        original_bytes = f.read()
    client.force_login(coordinator)
    post_moderation(client, published, areas={photo.pk: [AREA]})
    photo.refresh_from_db()
    with photo.image.open("rb") as f:
        assert f.read() == original_bytes
    assert photo.covered == [AREA]


# --- every public output -------------------------------------------------------------------


def public_answers(client, report):
    base = "/open311/v2"
    urls = [
        reverse("home"),
        reverse("issues:board"),
        reverse("issues:board_detail", args=[report.pk]),
        reverse("issues:board_geojson"),
        f"{base}/requests.json",
        f"{base}/requests.xml",
        f"{base}/requests/{report.reference}.json",
        f"{base}/requests/{report.reference}.xml",
        f"{base}/requests.json?service_request_id={report.reference}",
    ]
    answers = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        answers[url] = response.content.decode()
    return answers


def test_no_public_page_or_api_gives_the_original_text_or_photo(
    client, published, coordinator, django_capture_on_commit_callbacks
):
    # The board is cached: seen once before the moderation, it must not keep the old text.
    before_moderation = public_answers(client, published)
    assert any(SECRET_PART in body for body in before_moderation.values())
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        post_moderation(
            client,
            published,
            description=PUBLIC_TEXT,
            areas={before(published).pk: [AREA]},
            hide={after(published).pk},
        )
    client.logout()

    answers = public_answers(client, published)
    cover, hidden = before(published), after(published)
    forbidden = [SECRET_PART, "88888", *original_urls(cover), *original_urls(hidden)]
    forbidden += [hidden.public_image.name or "never-empty", cover.image.name, cover.thumbnail.name]
    for url, body in answers.items():
        for text in forbidden:
            assert text not in body, (url, text)
    detail = answers[reverse("issues:board_detail", args=[published.pk])]
    assert PUBLIC_TEXT in detail and cover.public_url in detail
    assert cover.public_thumbnail_url in answers[reverse("issues:board")]
    assert PUBLIC_TEXT in answers[reverse("issues:board")]
    open311 = json.loads(answers[f"/open311/v2/requests/{published.reference}.json"])[0]
    assert open311["description"] == PUBLIC_TEXT
    assert open311["media_url"].endswith(cover.public_url)
    assert f"<description>{PUBLIC_TEXT}</description>" in answers[f"/open311/v2/requests/{published.reference}.xml"]

    # Every photo address a public answer names is the moderated one, and it opens.
    named = set()
    for body in answers.values():
        named |= set(re.findall(r"/photos/reports/[0-9a-f]+(?:_t)?\.(?:png|jpg)", body))
    assert named == {cover.public_url, cover.public_thumbnail_url}
    for url in named:
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) != cover.image.open("rb").read()


def test_the_public_gets_404_for_the_original_of_a_covered_photo_and_for_a_hidden_photo(client, moderated):
    cover, hidden = before(moderated), after(moderated)
    for url in original_urls(cover) + original_urls(hidden):
        assert client.get(url).status_code == 404, url
    assert client.get(cover.public_url).status_code == 200
    assert client.get(cover.public_thumbnail_url).status_code == 200


def test_a_volunteer_who_did_not_report_it_gets_no_original_either(client, moderated, community_a):
    from conftest import make_volunteer

    client.force_login(make_volunteer("13700137000", community_a, name="李邻居").user)
    for url in original_urls(before(moderated)) + original_urls(after(moderated)):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", ["coordinator", "handler_a"])
def test_the_staff_keep_the_originals(client, request, moderated, role):
    client.force_login(request.getfixturevalue(role))
    for url in original_urls(before(moderated)) + original_urls(after(moderated)):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
    page = client.get(reverse("admin:issues_report_change", args=[moderated.pk])).content.decode()
    assert SECRET_PART in page  # the courier's own words, for the staff


def test_a_hidden_photo_is_left_out_of_the_board_and_the_courier_hint(client, moderated):
    hidden = after(moderated)
    board = client.get(reverse("issues:board")).content.decode()
    assert hidden.thumbnail.url not in board
    assert moderated.public_after_photos == []


def test_a_report_reopened_after_moderation_closes_its_public_version_again(client, moderated, coordinator):
    workflow.reopen(moderated, by=coordinator, reason="复查未通过", notify=False)
    assert client.get(before(moderated).public_url).status_code == 404


# --- the one home, the event, the undo ------------------------------------------------------


def test_it_writes_an_internal_moderate_event_naming_what_was_done(client, moderated, coordinator):
    event = ReportEvent.objects.get(report=moderated, action=Action.MODERATE)
    assert event.actor == coordinator and not event.is_public
    assert "1" in event.note and "2" in event.note  # photo 1 covered, photo 2 hidden
    assert moderated.public_description == PUBLIC_TEXT and moderated.description == ORIGINAL_TEXT
    detail = client.get(reverse("issues:board_detail", args=[moderated.pk])).content.decode()
    assert event.note not in detail


def test_removing_the_areas_brings_back_the_original_and_deletes_the_covered_copy(
    client, moderated, coordinator, media_root, django_capture_on_commit_callbacks
):
    photo = before(moderated)
    old = [photo.public_image.name, photo.public_thumbnail.name]
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        post_moderation(client, moderated, description="", areas={photo.pk: []})
    photo.refresh_from_db()
    moderated.refresh_from_db()
    assert not photo.is_covered and photo.covered == []
    assert moderated.public_text == ORIGINAL_TEXT
    on_disk = {p.relative_to(media_root).as_posix() for p in files_under(media_root)}
    assert not set(old) & on_disk
    assert ReportEvent.objects.filter(report=moderated, action=Action.MODERATE).count() == 2


def test_the_same_words_as_the_courier_are_no_public_text_and_no_change(client, published, coordinator):
    client.force_login(coordinator)
    response = post_moderation(client, published, description=ORIGINAL_TEXT + "  ")
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.public_description == ""
    assert not ReportEvent.objects.filter(report=published, action=Action.MODERATE).exists()


def test_drawing_again_replaces_the_earlier_areas(client, moderated, coordinator):
    photo = before(moderated)
    first = photo.public_image.name
    client.force_login(coordinator)
    post_moderation(client, moderated, areas={photo.pk: [[0, 0, 0.1, 0.1]]}, hide={after(moderated).pk})
    photo.refresh_from_db()
    assert photo.covered == [[0, 0, 0.1, 0.1]] and photo.public_image.name != first
    # The first rectangle is the original again in the new version.
    box = moderation.pixel_box(AREA, (photo.width, photo.height))
    assert decoded(photo.public_image).crop(box).tobytes() == decoded(photo.image).crop(box).tobytes()


# --- who may, and what bad input gets -------------------------------------------------------


def unchanged(report, files_before, media_root):
    report.refresh_from_db()
    assert report.public_description == ""
    assert not ReportPhoto.objects.filter(report=report).exclude(public_image="").exists()
    assert not ReportPhoto.objects.filter(report=report, hidden=True).exists()
    assert not ReportEvent.objects.filter(report=report, action=Action.MODERATE).exists()
    assert files_under(media_root) == files_before


@pytest.mark.parametrize("role", ["handler_a", "handler_b", "volunteer"])
def test_a_handler_or_a_volunteer_cannot_moderate(client, request, published, role, media_root):
    user = request.getfixturevalue(role)
    client.force_login(getattr(user, "user", user))
    files_before = files_under(media_root)
    assert client.get(moderate_url(published)).status_code in (302, 403)
    response = post_moderation(
        client, published, description="改掉", areas={before(published).pk: [AREA]}, hide={after(published).pk}
    )
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert reverse("admin:login") in response["Location"]
    unchanged(published, files_before, media_root)
    with pytest.raises(moderation.ModerationError):
        moderation.moderate(published, by=getattr(user, "user", user), public_description="改掉")


def test_the_change_page_links_to_moderation_for_coordinators_only(client, published, coordinator, handler_a):
    change = reverse("admin:issues_report_change", args=[published.pk])
    client.force_login(coordinator)
    assert moderate_url(published) in client.get(change).content.decode()
    assert client.get(moderate_url(published)).status_code == 200
    client.force_login(handler_a)
    assert moderate_url(published) not in client.get(change).content.decode()


@pytest.mark.parametrize(
    "areas, message",
    [
        ("not json", "could not be read"),
        ('{"x": 0.1}', "could not be read"),
        ("[[0.1, 0.1, 0.2]]", "could not be read"),
        ('[["a", 0.1, 0.2, 0.2]]', "could not be read"),
        ("[[NaN, 0.1, 0.2, 0.2]]", "could not be read"),
        ("[[0.1, 0.1, 1e999, 0.2]]", "could not be read"),
        ("[[0.9, 0.1, 0.2, 0.2]]", "outside the picture"),
        ("[[-0.1, 0.1, 0.2, 0.2]]", "outside the picture"),
        ("[[0.1, 0.1, 0, 0.2]]", "outside the picture"),
        (json.dumps([[0.01, 0.01, 0.01, 0.01]] * 21), "at most 20"),
        ("[" * 5000, "at most 20"),
    ],
)
def test_bad_areas_get_a_clear_message_and_change_nothing(
    client, published, coordinator, media_root, settings, areas, message
):
    settings.LANGUAGE_CODE = "en"
    client.force_login(coordinator)
    files_before = files_under(media_root)
    photo = before(published)
    response = client.post(
        moderate_url(published),
        {"public_description": PUBLIC_TEXT, f"areas-{photo.pk}": areas, f"hide-{after(published).pk}": "on"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    unchanged(published, files_before, media_root)


def test_the_message_is_in_chinese_for_a_chinese_coordinator(client, published, coordinator):
    client.force_login(coordinator)
    response = client.post(
        moderate_url(published),
        {f"areas-{before(published).pk}": "[[2, 2, 1, 1]]"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "照片" in response.content.decode()


def test_a_too_long_public_description_is_refused(client, published, coordinator):
    client.force_login(coordinator)
    response = post_moderation(client, published, description="字" * 4001)
    assert response.status_code == 400
    published.refresh_from_db()
    assert published.public_description == ""


def test_a_photo_of_another_report_cannot_be_moderated_through_this_one(client, published, coordinator, make_report):
    other = make_report()
    photo = other.photos.get()
    client.force_login(coordinator)
    client.post(moderate_url(published), {"public_description": ORIGINAL_TEXT, f"hide-{photo.pk}": "on"})
    photo.refresh_from_db()
    assert not photo.hidden


def test_erasing_the_courier_redacts_the_public_text_too(published, volunteer, coordinator):
    from volunteers.personal_data import erase

    moderation.moderate(published, by=coordinator, public_description=f"{volunteer.name}发现：垃圾桶坏了")
    assert volunteer.name in Report.objects.get(pk=published.pk).public_text
    erase(volunteer)
    assert volunteer.name not in Report.objects.get(pk=published.pk).public_text


def test_a_post_without_the_areas_leaves_the_covered_photo_as_it_is(client, moderated, coordinator):
    photo = before(moderated)
    client.force_login(coordinator)
    response = client.post(moderate_url(moderated), {"public_description": PUBLIC_TEXT})
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.covered == [AREA] and photo.is_covered
    assert not after(moderated).hidden  # the checkbox was not sent: shown again


def test_the_retention_of_a_rejected_report_deletes_the_covered_copies_too(
    make_report, coordinator, media_root, django_capture_on_commit_callbacks
):
    report = make_report("rejected", by_coordinator=coordinator)
    photo = report.photos.get()
    with django_capture_on_commit_callbacks(execute=True):
        moderation.moderate(report, by=coordinator, photos={photo.pk: {"areas": [AREA]}})
    photo.refresh_from_db()
    assert photo.is_covered
    workflow.delete_photos_of_rejected(report, retention_days=30)
    assert files_under(media_root) == []
