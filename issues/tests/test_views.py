"""The courier's form, their reports, and the public board."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import files_under
from issues.models import Report, ReportEvent, ReportPhoto, State
from issues.tests.conftest import exif_with_gps_and_orientation, jpeg_bytes, make_volunteer

pytestmark = pytest.mark.django_db

PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def photo(name="p.jpg", data=None):
    return SimpleUploadedFile(name, data if data is not None else jpeg_bytes(exif=exif_with_gps_and_orientation()))


def form_data(category, community, **extra):
    data = {
        "category": category.pk,
        "description": "广场花苑小区3栋的垃圾桶坏了",
        "latitude": "30.274500",
        "longitude": "118.132200",
        "address": "广场花苑小区3栋",
        "community": community.pk,
    }
    data.update(extra)
    return data


def test_it_sends_the_public_to_sign_in(client):
    response = client.get(reverse("issues:report_new"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_pending_volunteer_sees_that_approval_is_pending(client, pending_volunteer):
    client.force_login(pending_volunteer.user)
    response = client.get(reverse("issues:report_new"))
    assert response.status_code == 403
    assert "审核" in response.content.decode()


def test_staff_without_a_volunteer_profile_cannot_report(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("issues:report_new")).status_code == 403


def test_the_form_offers_big_category_buttons_and_the_camera_or_the_gallery(courier, category):
    html = courier.get(reverse("issues:report_new")).content.decode()
    assert 'type="radio" name="category"' in html and category.name in html
    assert 'accept="image/*"' in html and "capture" not in html


def test_it_prefills_the_station_from_its_qr_code(courier, category, community_b):
    from stations.models import Station

    station = Station.objects.create(
        name="龙北驿站", community=community_b, address="龙北路18号", latitude=30.28, longitude=118.14
    )
    other = Station.objects.create(
        name="龙西驿站", community=community_b, address="龙西路1号", latitude=30.27, longitude=118.13
    )
    response = courier.get(reverse("issues:report_new") + f"?station={station.pk}")
    assert response.context["form"].initial["station"] == station.pk
    assert response.context["form"].initial["community"] == community_b.pk
    html = response.content.decode()
    assert "龙北驿站" in html and f'name="station" value="{station.pk}"' in html
    # The form never lists the district's stations (there may be thousands).
    assert other.name not in html
    assert other.name not in courier.get(reverse("issues:report_new")).content.decode()
    for damaged in ("abc", "²", "١٢", "-1", "9" * 50):
        response = courier.get(reverse("issues:report_new"), {"station": damaged})
        assert response.status_code == 400 and "无法识别此链接中的驿站" in response.content.decode()
        assert response.context["form"].initial.get("station") is None


def test_a_report_sent_from_a_station_qr_code_is_linked_to_it(courier, category, community_b):
    from stations.models import Station

    station = Station.objects.create(
        name="龙北驿站", community=community_b, address="龙北路18号", latitude=30.28, longitude=118.14
    )
    fields = {
        "category": category.pk,
        "description": "驿站门口井盖松动",
        "community": community_b.pk,
        "address": "龙北路18号",
    }
    response = courier.post(reverse("issues:report_new"), {**fields, "station": station.pk, "photos": [photo()]})
    assert response.status_code == 302
    assert Report.objects.get().station == station

    station.status = Station.Status.CLOSED
    station.save()
    refused = courier.post(reverse("issues:report_new"), {**fields, "station": station.pk, "photos": [photo()]})
    assert refused.status_code == 400
    assert "驿站门口井盖松动" in refused.content.decode()  # the courier's text is kept
    assert Report.objects.count() == 1


def test_a_report_is_saved_with_its_photo_and_the_courier_gets_a_reference(courier, volunteer, category, community_a):
    response = courier.post(reverse("issues:report_new"), {**form_data(category, community_a), "photos": [photo()]})
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("issues:report_done", args=[report.pk])
    assert report.reporter == volunteer and report.state == State.SUBMITTED
    assert report.photos.get().kind == ReportPhoto.Kind.BEFORE
    assert ReportEvent.objects.get(report=report).action == "submit"
    done = courier.get(response["Location"]).content.decode()
    assert report.reference in done


def test_a_bad_photo_keeps_everything_the_courier_typed(courier, category, community_a, media_root):
    data = form_data(category, community_a, description="龙西小区12栋窨井盖破损，很危险")
    response = courier.post(
        reverse("issues:report_new"), {**data, "photos": [photo("x.jpg", b"<html>not a photo</html>")]}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "龙西小区12栋窨井盖破损，很危险" in html
    assert 'value="广场花苑小区3栋"' in html
    assert f'value="{category.pk}" checked' in html
    assert "无法识别" in html or "not a photo" in html
    assert Report.objects.count() == 0 and ReportPhoto.objects.count() == 0
    assert files_under(media_root) == []


def test_a_missing_photo_and_place_are_each_explained(courier, category, community_a):
    data = form_data(category, community_a, latitude="", longitude="", address="")
    html = courier.post(reverse("issues:report_new"), data).content.decode()
    assert "至少添加一张照片" in html
    assert "请共享位置或填写地址" in html
    assert Report.objects.count() == 0


@pytest.mark.parametrize("lat,lng", [("nan", "118.1"), ("95", "118.1"), ("30.2", ""), ("1e999", "1")])
def test_a_broken_position_asks_for_the_address_instead(courier, category, community_a, lat, lng):
    data = form_data(category, community_a, latitude=lat, longitude=lng)
    response = courier.post(reverse("issues:report_new"), {**data, "photos": [photo()]})
    assert response.status_code == 400
    assert Report.objects.count() == 0


@pytest.mark.parametrize("field", ["category", "community"])
def test_a_choice_sent_in_other_digits_is_a_form_error(courier, category, community_a, field):
    chosen = {"category": category, "community": community_a}[field]
    arabic_indic = str(chosen.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    response = courier.post(
        reverse("issues:report_new"), {**form_data(category, community_a), field: arabic_indic, "photos": [photo()]}
    )
    assert response.status_code == 400 and response.context["form"].errors[field]
    assert Report.objects.count() == 0


def test_the_address_alone_is_enough(courier, category, community_a):
    data = form_data(category, community_a, latitude="", longitude="")
    response = courier.post(reverse("issues:report_new"), {**data, "photos": [photo()]})
    assert response.status_code == 302
    assert Report.objects.get().latitude is None


def test_more_than_three_photos_are_refused(courier, category, community_a):
    response = courier.post(
        reverse("issues:report_new"), {**form_data(category, community_a), "photos": [photo() for _ in range(4)]}
    )
    assert response.status_code == 400 and Report.objects.count() == 0


def test_nearby_suggests_the_community_and_shows_possible_duplicates(
    courier, make_report, category, community_a, community_b
):
    existing = make_report()
    response = courier.get(
        reverse("issues:nearby"), {"lat": "30.2746", "lng": "118.1323", "category": str(category.pk)}
    )
    data = response.json()
    assert data["community"]["id"] == community_a.pk
    assert [d["reference"] for d in data["duplicates"]] == [existing.reference]
    assert data["duplicates"][0]["distance"] == "约 10 米"
    far = courier.get(reverse("issues:nearby"), {"lat": "30.2828", "lng": "118.1431", "category": str(category.pk)})
    assert far.json()["community"]["id"] == community_b.pk and far.json()["duplicates"] == []
    assert courier.get(reverse("issues:nearby"), {"lat": "x", "lng": "1"}).status_code == 400


def test_the_duplicate_hint_shows_no_text_no_name_and_no_exact_distance(courier, make_report, category, volunteer):
    other = make_volunteer("13700000000", volunteer.community, name="王其他")
    theirs = make_report(reporter=other, description="3栋门口的垃圾桶坏了，住在302的张阿姨说的")
    # About 33 m north-east of the report (30.2745, 118.1322).
    response = courier.get(
        reverse("issues:nearby"), {"lat": "30.27470", "lng": "118.13245", "category": str(category.pk)}
    )
    assert response.status_code == 200
    [hint] = response.json()["duplicates"]
    assert hint == {
        "id": theirs.pk,  # for "+1" (issues.plusone)
        "reference": theirs.reference,
        "category": category.name,
        "state": "待受理",
        "distance": "约 30 米",
        "thumbnail": None,
    }
    body = response.content.decode()
    assert "垃圾桶" not in body and "张阿姨" not in body and "30.2745" not in body and "118.1322" not in body


def test_the_duplicate_hint_shows_a_thumbnail_only_of_a_published_report(make_report, coordinator, handler_a):
    from issues.views import _duplicate_hint

    published = make_report("published", by_coordinator=coordinator, handler=handler_a)
    published = Report.objects.prefetch_related("photos").select_related("category").get(pk=published.pk)
    assert _duplicate_hint(published, 30.2745, 118.1322)["thumbnail"] == published.before_photos[0].thumbnail.url
    submitted = Report.objects.prefetch_related("photos").get(pk=make_report().pk)
    assert submitted.before_photos and _duplicate_hint(submitted, 30.2745, 118.1322)["thumbnail"] is None


def test_the_duplicate_hint_is_limited_per_volunteer(courier, make_report, category, settings):
    settings.NEARBY_LOOKUPS_PER_HOUR = 3
    make_report()
    ask = {"lat": "30.2746", "lng": "118.1323", "category": str(category.pk)}
    assert [courier.get(reverse("issues:nearby"), ask).status_code for _ in range(3)] == [200, 200, 200]
    over = courier.get(reverse("issues:nearby"), ask)
    assert over.status_code == 429 and over["Content-Type"] == "application/json"
    assert "duplicates" not in over.json() and over.json()["error"]


def test_the_duplicate_hint_is_limited_per_address(client, make_report, category, community_a, settings):
    settings.NEARBY_LOOKUPS_PER_IP_PER_HOUR = 2
    ask = {"lat": "30.2746", "lng": "118.1323", "category": str(category.pk)}
    statuses = []
    for n, phone in enumerate(["13700000001", "13700000002", "13700000003"]):
        client.force_login(make_volunteer(phone, community_a, name=f"王{n}").user)
        statuses.append(client.get(reverse("issues:nearby"), ask).status_code)
    assert statuses == [200, 200, 429]


def test_the_duplicate_hint_still_refuses_the_public_and_pending_volunteers(client, pending_volunteer, category):
    ask = {"lat": "30.2746", "lng": "118.1323", "category": str(category.pk)}
    anonymous = client.get(reverse("issues:nearby"), ask)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    client.force_login(pending_volunteer.user)
    assert client.get(reverse("issues:nearby"), ask).status_code == 403


def test_my_reports_lists_only_my_own_with_their_timeline(courier, make_report, community_a, coordinator):
    mine = make_report("dispatched", by_coordinator=coordinator)
    other = make_report(reporter=make_volunteer("13700000000", community_a, name="王其他"))
    html = courier.get(reverse("issues:my_reports")).content.decode()
    assert mine.reference in html and other.reference not in html
    assert "已派单" in html


def test_the_board_shows_published_reports_only(client, make_report, coordinator, handler_a):
    published = make_report("published", by_coordinator=coordinator, handler=handler_a)
    resolved = make_report("resolved", by_coordinator=coordinator, handler=handler_a)
    html = client.get(reverse("issues:board")).content.decode()
    assert reverse("issues:board_detail", args=[published.pk]) in html
    assert reverse("issues:board_detail", args=[resolved.pk]) not in html
    assert client.get(reverse("issues:board_detail", args=[resolved.pk])).status_code == 404
    assert client.get(reverse("issues:board_detail", args=[published.pk])).status_code == 200


def test_the_board_filters_by_category_community_and_month(client, make_report, coordinator, handler_a, category):
    report = make_report("published", by_coordinator=coordinator, handler=handler_a)
    month = report.published_at.astimezone().strftime("%Y-%m")
    url = reverse("issues:board")
    assert client.get(url, {"category": category.pk}).context["page"].paginator.count == 1
    assert client.get(url, {"category": category.pk + 100}).context["page"].paginator.count == 0
    assert client.get(url, {"community": report.community_id}).context["page"].paginator.count == 1
    assert client.get(url, {"month": month}).context["page"].paginator.count == 1
    assert client.get(url, {"month": "1999-01"}).context["page"].paginator.count == 0
    assert client.get(url, {"category": "", "community": "", "month": ""}).context["page"].paginator.count == 1
    for nonsense in ({"month": "2026-13"}, {"category": "'; drop"}, {"page": "-1"}, {"community": "9" * 30}):
        response = client.get(url, nonsense)
        assert response.status_code == 400 and "无法识别此链接" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"category": "²"},
        {"community": "²"},
        {"category": "١"},
        {"category": "１"},
        {"category": "1_0"},
        {"category": "+1"},
        {"page": "²"},
        {"page": "٢"},
        {"month": "٢٠٢٦-٠١"},
        {"month": "2026-1"},
    ],
)
def test_the_board_answers_a_unicode_digit_with_400_not_500(client, query):
    response = client.get(reverse("issues:board"), query)
    assert response.status_code == 400 and "请使用数字 0-9" in response.content.decode()


def test_the_duplicate_hint_answers_a_unicode_digit_with_400(courier):
    for query in ({"category": "²"}, {"category": "١"}, {"lat": "٣٠.٢٧", "lng": "118.13"}, {"lat": "1e1", "lng": "2"}):
        response = courier.get(reverse("issues:nearby"), {"lat": "30.2746", "lng": "118.1323", **query})
        assert response.status_code == 400 and response.json()["error"]


def test_public_pages_never_show_a_phone_number_or_full_name(client, demo):
    published = Report.objects.public().select_related("reporter").first()
    pages = ["/", reverse("issues:board"), reverse("issues:board_detail", args=[published.pk])]
    for url in pages:
        html = client.get(url).content.decode()
        # Photo file names are random hex and may hold a run of digits; they are not personal data.
        text = re.sub(r"/(media|photos)/[0-9A-Za-z_./-]+", "", html)
        assert not PHONE.search(text), url
        assert published.reporter.name not in html
    detail = client.get(reverse("issues:board_detail", args=[published.pk])).content.decode()
    assert f"{published.reporter.name[0]}*" in detail


def test_home_shows_live_figures(client, make_report, coordinator, handler_a):
    make_report("published", by_coordinator=coordinator, handler=handler_a)
    make_report("dispatched", by_coordinator=coordinator)
    make_report()
    figures = client.get("/").context["figures"]
    assert figures == {"received": 3, "solved": 1, "solved_on_time": 1, "in_hand": 1, "overdue": 0}


def test_cached_figures_change_the_moment_a_report_moves(client, make_report, coordinator, handler_a):
    """Home, board and /stats/ are cached; every step of a report shows at once on all three."""
    from issues import workflow
    from issues.tests.conftest import processed_photo

    def seen():
        home = client.get("/").context["figures"]
        board = client.get(reverse("issues:board")).context["page"].paginator.count
        overall = client.get(reverse("issues:stats")).context["overall"]
        return home["received"], home["in_hand"], home["solved"], board, overall.received, overall.solved

    assert seen() == (0, 0, 0, 0, 0, 0)
    report = make_report()
    assert seen() == (1, 0, 0, 0, 1, 0)
    workflow.dispatch(report, by=coordinator, organization=handler_a.organization, notify=False)
    assert seen() == (1, 1, 0, 0, 1, 0)
    workflow.resolve(report, by=handler_a, note="已更换垃圾桶", photos=[processed_photo()], notify=False)
    assert seen() == (1, 0, 1, 0, 1, 1)
    workflow.publish(report, by=coordinator, notify=False)
    assert seen() == (1, 0, 1, 1, 1, 1)
    workflow.reopen(report, by=coordinator, reason="居民反映问题仍在", notify=False)
    assert seen() == (1, 1, 0, 0, 1, 0)
    report.delete()
    assert seen() == (0, 0, 0, 0, 0, 0)
