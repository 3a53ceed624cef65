"""Staff intake (代录问题): a coordinator enters a report that came in the WeChat group or by telephone."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from beefeed.tests.images import exif_with_gps_and_orientation, jpeg_bytes
from conftest import files_under, make_volunteer
from issues import workflow
from issues.models import Action, Report, ReportEvent, State
from issues.tests.conftest import processed_photo
from volunteers import ledger, service_items
from volunteers.models import PointsEntry, ServiceItem

pytestmark = pytest.mark.django_db

ENTER_URL = "/admin/issues/report/enter/"
NOTE = "下午三点居民来电，说窨井盖已经松动两天了"


def gps_photo(name="wechat.jpg"):
    return SimpleUploadedFile(name, jpeg_bytes(exif=exif_with_gps_and_orientation(1)), content_type="image/jpeg")


@pytest.fixture
def form(category, community_a):
    def make(**changes):
        data = {
            "category": str(category.pk),
            "description": "龙西小区12栋窨井盖破损",
            "latitude": "30.274500",
            "longitude": "118.132200",
            "address": "龙西小区12栋",
            "community": str(community_a.pk),
            "source": "resident",
            "volunteer": "",
            "note": NOTE,
        }
        data.update(changes)
        return {key: value for key, value in data.items() if value is not None}

    return make


@pytest.fixture
def desk(client, coordinator):
    client.force_login(coordinator)
    return client


def test_the_report_list_and_the_dashboard_link_to_the_intake_page(desk):
    for page in (reverse("admin:issues_report_changelist"), reverse("admin:index")):
        assert ENTER_URL in desk.get(page).content.decode()


def test_the_intake_page_has_the_map_the_categories_and_the_volunteer_search(desk, category):
    response = desk.get(ENTER_URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "leaflet/leaflet.js" in page and 'id="intake-map"' in page
    assert category.name in page
    assert "admin/js/autocomplete.js" in page  # the admin's search of volunteers by name or phone


def test_it_enters_a_telephone_report_with_no_reporter_and_an_internal_note(desk, form, coordinator):
    response = desk.post(ENTER_URL, {**form(), "photos": [gps_photo()]})
    report = Report.objects.get()
    assert response.status_code == 302 and response.url == reverse("admin:issues_report_change", args=[report.pk])
    assert report.reporter is None and report.state == State.SUBMITTED
    submit, enter = report.events.order_by("id")
    assert (submit.action, submit.actor, submit.is_public) == (Action.SUBMIT, None, True)
    assert (enter.action, enter.actor, enter.is_public) == (Action.ENTER, coordinator, False)
    assert NOTE in enter.note and enter.public_note == ""


def test_the_stored_photo_has_no_gps_or_other_metadata(desk, form, media_root):
    desk.post(ENTER_URL, {**form(), "photos": [gps_photo(), gps_photo("second.jpg")]})
    stored = Report.objects.get().photos.all()
    assert len(stored) == 2
    for photo in stored:
        for field in (photo.image, photo.thumbnail):
            with field.open("rb") as f:
                data = f.read()
            with Image.open(io.BytesIO(data)) as image:
                assert not image.getexif() and "exif" not in image.info
            assert b"PhoneMaker" not in data
    assert len(files_under(media_root)) == 4  # photo and thumbnail each, nothing else


def test_a_credited_volunteer_sees_it_as_theirs_and_is_paid_once(
    client, form, coordinator, handler_a, volunteer, community_a
):
    feedback = ServiceItem.objects.get(code=service_items.REPORT_ITEM)
    client.force_login(coordinator)
    client.post(ENTER_URL, {**form(source="volunteer", volunteer=str(volunteer.pk), note=""), "photos": [gps_photo()]})
    report = Report.objects.get()
    assert report.reporter == volunteer
    assert report.events.get(action=Action.SUBMIT).actor == volunteer.user

    # Dispatched, returned, dispatched again: the same award path as a courier's own report, paid once.
    workflow.dispatch(report, by=coordinator, organization=community_a, notify=False)
    workflow.return_report(report, by=handler_a, reason="不归我们管", notify=False)
    workflow.dispatch(report, by=coordinator, organization=community_a, notify=False)
    entry = PointsEntry.objects.get(volunteer=volunteer)
    assert (entry.points, entry.item, entry.source) == (feedback.points, feedback, f"report:{report.pk}")
    assert ledger.balance(volunteer) == feedback.points

    client.force_login(volunteer.user)
    page = client.get(reverse("issues:my_reports")).content.decode()
    assert report.reference in page and "龙西小区12栋窨井盖破损" in page


def test_a_volunteer_not_approved_cannot_be_credited(desk, form, pending_volunteer):
    response = desk.post(ENTER_URL, form(source="volunteer", volunteer=str(pending_volunteer.pk)))
    assert response.status_code == 400
    assert Report.objects.count() == 0


def test_a_volunteer_must_be_named_when_a_volunteer_sent_it(desk, form):
    response = desk.post(ENTER_URL, form(source="volunteer", volunteer=""))
    assert response.status_code == 400 and "选择发来问题的小蜜蜂" in response.content.decode()
    assert Report.objects.count() == 0


def test_the_telephone_note_is_on_no_public_page(client, desk, form, coordinator, handler_a, community_a):
    desk.post(ENTER_URL, form())
    report = Report.objects.get()
    workflow.dispatch(report, by=coordinator, organization=community_a, notify=False)
    workflow.resolve(report, by=handler_a, note="已更换井盖", photos=[processed_photo()], notify=False)
    workflow.publish(report, by=coordinator, notify=False)
    client.logout()
    for url in (
        reverse("issues:board"),
        reverse("issues:board_detail", args=[report.pk]),
        "/open311/v2/requests.json",
        f"/open311/v2/requests/{report.pk}.json",
        "/open311/v2/requests.xml",
        "/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "居民来电" not in response.content.decode(), url


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"category": ""}, "请选择问题类型"),
        ({"category": "99999"}, "请选择问题类型"),
        ({"category": "x" * 500}, "请选择问题类型"),
        ({"latitude": "abc"}, "无法识别位置"),
        ({"latitude": "999", "longitude": "118.1"}, "无法识别位置"),
        ({"latitude": "", "longitude": "", "address": ""}, "请给出地点"),
        ({"source": ""}, "谁发来的"),
        ({"source": "boss"}, "谁发来的"),
        ({"community": "", "latitude": "", "longitude": ""}, "请选择所属社区"),
        ({"volunteer": "1e9", "source": "volunteer"}, "请选择已审核的小蜜蜂"),
        ({"volunteer": "-1", "source": "volunteer"}, "请选择已审核的小蜜蜂"),
        ({"community": "99999999999999999999999"}, "请选择所属社区"),
        ({"latitude": "30.27\x00", "longitude": "nan"}, "无法识别位置"),
        ({"address": "", "latitude": "inf", "longitude": "118.1"}, "无法识别位置"),
    ],
)
def test_bad_input_keeps_the_text_and_creates_nothing(desk, form, changes, message):
    response = desk.post(ENTER_URL, form(**changes))
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert "龙西小区12栋窨井盖破损" in page and NOTE in page  # what the coordinator typed stays
    assert Report.objects.count() == 0 and ReportEvent.objects.count() == 0


def test_a_description_of_nothing_but_blanks_is_refused(desk, form):
    response = desk.post(ENTER_URL, form(description=" \n\t "))
    assert response.status_code == 400 and "请用一句话描述问题" in response.content.decode()
    assert desk.post(ENTER_URL, form(description="井盖\x00坏了")).status_code == 400  # a null character: refused
    assert Report.objects.count() == 0


def test_a_bad_photo_keeps_the_text_and_creates_nothing(desk, form, media_root):
    not_a_photo = SimpleUploadedFile("virus.jpg", b"MZ this is no picture", content_type="image/jpeg")
    response = desk.post(ENTER_URL, {**form(), "photos": [gps_photo(), not_a_photo]})
    page = response.content.decode()
    assert response.status_code == 400
    assert "virus.jpg" in page and "龙西小区12栋窨井盖破损" in page and NOTE in page
    assert Report.objects.count() == 0 and files_under(media_root) == []


def test_too_many_photos_are_refused(desk, form):
    response = desk.post(ENTER_URL, {**form(), "photos": [gps_photo(f"{i}.jpg") for i in range(7)]})
    assert response.status_code == 400 and Report.objects.count() == 0


def test_without_a_community_the_position_suggests_one(desk, form, community_a, community_b):
    desk.post(ENTER_URL, form(community="", latitude="30.2829", longitude="118.1430"))
    assert Report.objects.get().community == community_b


def test_an_address_alone_is_a_place(desk, form, community_a):
    desk.post(ENTER_URL, form(latitude="", longitude=""))
    report = Report.objects.get()
    assert (report.latitude, report.address, report.community) == (None, "龙西小区12栋", community_a)


def test_the_map_asks_which_community_a_position_is_in(desk, community_a, community_b):
    url = reverse("admin:issues_report_enter_community")
    answer = desk.get(url, {"lat": "30.2829", "lng": "118.1430"}).json()
    assert answer["community"] == {"id": community_b.pk, "name": community_b.name}
    assert desk.get(url, {"lat": "north", "lng": ""}).status_code == 400


# --- Who must not reach it (the attacker's tests) --------------------------------------------


@pytest.mark.parametrize("who", ["handler_a", "volunteer", "anonymous"])
def test_only_coordinators_reach_the_intake_page(client, request, form, who):
    if who == "volunteer":
        client.force_login(request.getfixturevalue("volunteer").user)
    elif who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    for url in (ENTER_URL, reverse("admin:issues_report_enter_community") + "?lat=30.27&lng=118.13"):
        response = client.get(url)
        assert response.status_code in (302, 403), (who, url)
        if response.status_code == 302:
            assert response.url.startswith(reverse("admin:login"))
    forged = client.post(ENTER_URL, {**form(), "photos": [gps_photo()]})
    assert forged.status_code in (302, 403)
    assert Report.objects.count() == 0


def test_a_handler_sees_no_link_to_it(client, handler_a):
    client.force_login(handler_a)
    assert ENTER_URL not in client.get(reverse("admin:issues_report_changelist")).content.decode()


def test_the_workflow_refuses_anyone_but_a_coordinator(handler_a, category, community_a, volunteer):
    for somebody in (handler_a, volunteer.user, None):
        with pytest.raises(workflow.TransitionError):
            workflow.enter_report(
                by=somebody,
                volunteer=None,
                category=category,
                description="路灯不亮",
                community=community_a,
                address="龙西小区",
                notify=False,
            )
    assert Report.objects.count() == 0


def test_a_suspended_volunteer_is_not_credited_even_by_the_workflow(coordinator, category, community_a):
    other = make_volunteer("13700000000", community_a, name="李暂停", approved=False)
    with pytest.raises(workflow.TransitionError):
        workflow.enter_report(
            by=coordinator,
            volunteer=other,
            category=category,
            description="路灯不亮",
            community=community_a,
            address="龙西小区",
            notify=False,
        )
    assert Report.objects.count() == 0
