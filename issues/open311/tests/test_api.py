"""Open311 GeoReport v2 as a third-party client sees it: both formats, every error, the privacy rules."""

import datetime
import json

import pytest
from defusedxml import ElementTree
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from issues import workflow
from issues.models import Category, Report, ReportEvent, State
from issues.open311.models import ApiClient, ClientReport

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def categories(db):
    Category.objects.create(name="环境卫生", code="sanitation", short_label="环境", time_limit=48, position=0)
    Category.objects.create(name="管网破损", code="pipes", short_label="管网", time_limit=24, position=1)


@pytest.fixture
def client_key(db):
    return ApiClient.issue("小程序", contact="dev@example.org")[1]


def post(client, key, **fields):
    data = {"api_key": key, "service_code": "sanitation", "lat": "30.2745", "long": "118.1322"}
    data.update({"description": "小区门口垃圾满了", "phone": "13912345678", "email": "a@example.org"})
    data.update(fields)
    return client.post(f"{BASE}/requests.json", {k: v for k, v in data.items() if v is not None})


def test_services_in_json_and_xml(client, categories):
    services = client.get(f"{BASE}/services.json").json()
    assert [s["service_code"] for s in services] == ["sanitation", "pipes"]
    assert services[0]["service_name"] == "环境卫生" and services[0]["metadata"] is False
    assert services[0]["type"] == "realtime"
    response = client.get(f"{BASE}/services.xml")
    assert response["Content-Type"].startswith("text/xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == "services" and [s.findtext("service_code") for s in root] == ["sanitation", "pipes"]


def test_a_service_definition_and_an_unknown_one(client, categories):
    assert client.get(f"{BASE}/services/pipes.json").json() == {"service_code": "pipes", "attributes": []}
    root = ElementTree.fromstring(client.get(f"{BASE}/services/pipes.xml").content)
    assert root.tag == "service_definition" and root.findtext("service_code") == "pipes"
    missing = client.get(f"{BASE}/services/nothing.json")
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404
    errors = ElementTree.fromstring(client.get(f"{BASE}/services/nothing.xml").content)
    assert errors.tag == "errors" and errors[0].findtext("code") == "404"
    assert client.get(f"{BASE}/services.html").status_code == 404


def test_a_client_submits_a_report_that_enters_the_same_state_machine(client, categories, client_key, community_a):
    response = post(client, client_key)
    assert response.status_code == 201
    [answer] = response.json()
    report = Report.objects.get()
    assert answer["service_request_id"] == report.reference and answer["account_id"] == ""
    assert (report.state, report.reporter, report.community) == (State.SUBMITTED, None, community_a)
    assert ReportEvent.objects.get(report=report).action == "submit"
    link = ClientReport.objects.get(report=report)
    assert (link.client.name, link.phone) == ("小程序", "13912345678")


def test_its_status_follows_the_report_and_never_shows_the_person(
    client, categories, client_key, community_a, coordinator
):
    reference = post(client, client_key).json()[0]["service_request_id"]
    [seen] = client.get(f"{BASE}/requests/{reference}.json").json()
    assert (seen["status"], seen["status_notes"]) == ("open", "received, awaiting triage")
    assert seen["description"] == "" and seen["lat"] is None  # not published: no text, no place
    workflow.dispatch(Report.objects.get(), by=coordinator, organization=community_a, notify=False)
    [seen] = client.get(f"{BASE}/requests/{reference}.json").json()
    assert seen["agency_responsible"] == "龙西社区" and seen["expected_datetime"]
    assert seen["status_notes"].startswith("dispatched")
    for fmt in ("json", "xml"):
        body = client.get(f"{BASE}/requests/{reference}.{fmt}").content.decode()
        assert "13912345678" not in body and "a@example.org" not in body
    assert datetime.datetime.fromisoformat(seen["requested_datetime"]).tzinfo is not None


def test_a_deferred_key_answers_with_a_token(client, categories, community_a):
    key = ApiClient.issue("批量导入", deferred_ids=True)[1]
    [answer] = post(client, key).json()
    assert "service_request_id" not in answer and answer["token"]
    [found] = client.get(f"{BASE}/tokens/{answer['token']}.json").json()
    assert found["service_request_id"] == Report.objects.get().reference
    assert client.get(f"{BASE}/tokens/nope.json").status_code == 404


@pytest.mark.parametrize(
    "fields, status",
    [
        ({"api_key": None}, 403),
        ({"api_key": "x" * 40}, 403),
        ({"service_code": "nothing"}, 400),
        ({"service_code": None}, 400),
        ({"lat": None, "long": None}, 400),
        ({"lat": "north", "long": "118"}, 400),
        ({"lat": "91", "long": "118"}, 400),
        ({"lat": "٣٠.٢٧", "long": "١١٨.١٣"}, 400),  # Arabic-Indic digits: float() takes them, we do not
        ({"lat": "30.27", "long": "１１８"}, 400),
        ({"lat": "3e1", "long": "118"}, 400),
        ({"lat": "nan", "long": "118"}, 400),
        ({"description": "长" * 4001}, 400),
        ({"media_url": "http://127.0.0.1/secret.jpg"}, 400),
        ({"media_url": "file:///etc/passwd"}, 400),
    ],
)
def test_every_refusal_is_an_error_list_and_stores_nothing(client, categories, client_key, community_a, fields, status):
    key = fields.pop("api_key", client_key)
    response = post(client, key, **fields)
    assert response.status_code == status
    [problem] = response.json()
    assert problem["code"] == status and problem["description"]
    assert not Report.objects.exists()


def test_media_only_from_the_hosts_a_key_allows_and_never_internal(client, categories, community_a):
    client_obj, key = ApiClient.issue("图片客户端", media_hosts="localhost\nimg.example.org")
    response = post(client, key, media_url="http://localhost/photo.jpg")
    assert response.status_code == 400 and "public" in response.json()[0]["description"]
    response = post(client, key, media_url="https://evil.example.net/photo.jpg")
    assert response.status_code == 400 and "may not" in response.json()[0]["description"]
    assert not Report.objects.exists()


def test_a_revoked_key_is_refused(client, categories, community_a):
    client_obj, key = ApiClient.issue("旧客户端")
    client_obj.revoked_at = timezone.now()
    client_obj.save()
    assert post(client, key).status_code == 403


def test_posts_are_limited_per_key(client, categories, community_a):
    client_obj, key = ApiClient.issue("限流客户端", posts_per_hour=2)
    assert [post(client, key).status_code for _ in range(3)] == [201, 201, 429]
    assert Report.objects.count() == 2


def test_the_key_is_stored_only_as_a_hash(client_key):
    stored = ApiClient.objects.get()
    assert client_key not in (stored.key_hash, stored.key_prefix) and stored.key_hash != client_key
    assert ApiClient.objects.by_key(client_key) == stored


class TestListing:
    @pytest.fixture
    def reports(self, client, categories, client_key, community_a, coordinator, handler_a):
        references = [
            post(client, client_key, service_code=code).json()[0]["service_request_id"]
            for code in ("sanitation", "pipes", "sanitation")
        ]
        report = Report.objects.get(pk=Report.pk_from_reference(references[0]))
        workflow.dispatch(report, by=coordinator, organization=community_a, notify=False)
        from issues.tests.conftest import processed_photo

        workflow.resolve(report, by=handler_a, note="已清运", photos=[processed_photo()], notify=False)
        workflow.publish(report, by=coordinator, notify=False)
        return references

    def test_filters(self, client, reports):
        everything = client.get(f"{BASE}/requests.json").json()
        assert len(everything) == 3
        pipes = client.get(f"{BASE}/requests.json", {"service_code": "pipes"}).json()
        assert [r["service_request_id"] for r in pipes] == [reports[1]]
        closed = client.get(f"{BASE}/requests.json", {"status": "closed"}).json()
        assert [r["service_request_id"] for r in closed] == [reports[0]]
        assert closed[0]["description"] == "小区门口垃圾满了" and closed[0]["lat"] == 30.2745
        assert closed[0]["media_url"].startswith("http://testserver/photos/reports/")
        both = client.get(f"{BASE}/requests.json", {"service_request_id": f"{reports[2]},{reports[0]},BF999999"})
        assert {r["service_request_id"] for r in both.json()} == {reports[0], reports[2]}
        assert len(client.get(f"{BASE}/requests.json", {"status": "open"}).json()) == 2

    def test_dates(self, client, reports):
        now = timezone.now()
        old = (now - datetime.timedelta(days=200)).isoformat()
        older = (now - datetime.timedelta(days=150)).isoformat()
        assert client.get(f"{BASE}/requests.json", {"start_date": old, "end_date": older}).json() == []
        too_long = client.get(f"{BASE}/requests.json", {"start_date": old, "end_date": now.isoformat()})
        assert too_long.status_code == 400 and "90" in too_long.json()[0]["description"]
        assert client.get(f"{BASE}/requests.json", {"start_date": "yesterday"}).status_code == 400

    def test_xml_listing(self, client, reports):
        root = ElementTree.fromstring(client.get(f"{BASE}/requests.xml").content)
        assert root.tag == "service_requests" and len(root.findall("request")) == 3
        assert {r.findtext("status") for r in root} == {"open", "closed"}


def test_a_wrong_jurisdiction_is_not_found(client, categories, settings):
    settings.OPEN311_JURISDICTION = "huangshan.example.org"
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": "other.example.org"}).status_code == 404
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": "huangshan.example.org"}).status_code == 200


def test_the_api_is_not_behind_a_language_prefix(client, categories):
    assert reverse("open311:services", args=["json"]) == "/open311/v2/services.json"
    assert json.loads(client.get("/open311/v2/services.json", HTTP_ACCEPT_LANGUAGE="en").content)


def test_a_key_is_issued_in_the_admin_and_shown_once(client):
    from django.contrib.auth import get_user_model

    admin_user = get_user_model().objects.create_superuser("root", "root@example.org", "root-pass-2026")
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:issues_apiclient_add"),
        {"name": "微信小程序", "contact": "", "media_hosts": "", "posts_per_hour": 60},
        follow=True,
    )
    text = response.content.decode()
    stored = ApiClient.objects.get(name="微信小程序")
    key = text.split("api_key 是 ")[1].split(" ")[0]
    assert ApiClient.objects.by_key(key) == stored
    assert key not in client.get(reverse("admin:issues_apiclient_change", args=[stored.pk])).content.decode()


def test_post_and_token_answer_in_xml_too(client, categories, community_a):
    key = ApiClient.issue("XML 客户端", deferred_ids=True)[1]
    response = client.post(
        f"{BASE}/requests.xml",
        {"api_key": key, "service_code": "pipes", "address_string": "龙西路12号", "description": "井盖松动"},
    )
    assert response.status_code == 201
    root = ElementTree.fromstring(response.content)
    token = root.find("request").findtext("token")
    found = ElementTree.fromstring(client.get(f"{BASE}/tokens/{token}.xml").content)
    assert found.find("request").findtext("service_request_id") == Report.objects.get().reference
    assert Report.objects.get().address == "龙西路12号"


@pytest.mark.parametrize(
    "address, public",
    [
        ("93.184.216.34", True),
        ("10.0.0.1", False),
        ("127.0.0.1", False),
        ("169.254.169.254", False),
        ("::1", False),
        ("::ffff:10.0.0.1", False),
        ("64:ff9b::a00:1", False),  # NAT64 around 10.0.0.1
        ("2002:a00:1::", False),  # 6to4 around 10.0.0.1
        ("2606:4700:4700::1111", True),
    ],
)
def test_only_public_addresses_are_fetched_from(address, public):
    import ipaddress

    from issues.open311 import media

    assert media._is_public(ipaddress.ip_address(address)) is public


@pytest.mark.parametrize(
    "url",
    [
        "http://img.example.org:99999/x.jpg",
        "http://[::1/x.jpg",
        "http://img.example.org:8080/x.jpg",
        "http://user:pw@img.example.org/x.jpg",
    ],
)
def test_odd_media_addresses_are_refused_not_crashed(client, categories, community_a, url):
    key = ApiClient.issue("图片客户端二", media_hosts="img.example.org")[1]
    response = post(client, key, media_url=url)
    assert response.status_code == 400 and not Report.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/requests.json?start_date=9999-12-31T00:00:00Z",
        "/requests.json?end_date=0001-01-01T00:00:00Z",
        "/requests.json?start_date=2026-02-30T00:00:00Z",
        "/requests.json?start_date=2026-01-01T00:00:00%2B99:00",
        "/requests/BF%C2%B2.json",
        "/requests.json?service_request_id=BF%C2%B2,BF" + "9" * 30,
        "/requests.json?service_code=a%00b",
        "/services/a%00b.json",
        "/tokens/%00.json",
        "/requests/'BF'.xml",
    ],
)
def test_odd_requests_get_an_error_list_never_a_500(client, categories, path):
    response = client.get(BASE + path)
    assert response.status_code in (200, 400, 404)
    assert response["Content-Type"].startswith(("application/json", "text/xml"))


@pytest.mark.parametrize(
    "start_date",
    ["٢٠٢٦-01-01T00:00:00Z", "2026-０1-01T00:00:00Z", "2026-01-01T00:00:00+٠٨:00", "2026-01-01T00:00:00Z" + "0" * 40],
)
def test_a_date_in_other_digits_is_an_api_error(client, categories, start_date):
    response = client.get(f"{BASE}/requests.json", {"start_date": start_date})
    assert response.status_code == 400
    assert response.json()[0]["description"].startswith("start_date must be a W3C date-time")


def test_wrong_methods_and_upper_case_formats(client, categories):
    response = client.put(f"{BASE}/services.json")
    assert response.status_code == 405 and response.json()[0]["code"] == 405
    assert client.get(f"{BASE}/services.JSON").status_code == 200


def test_control_characters_never_reach_the_xml(client, categories, community_a):
    key = ApiClient.issue("控制字符")[1]
    response = client.post(
        f"{BASE}/requests.xml",
        {
            "api_key": key,
            "service_code": "pipes",
            "address_string": "龙西路\x0b1号",
            "account_id": "a\x01b",
            "description": "井盖\x00松动",
        },
    )
    assert response.status_code == 201
    ElementTree.fromstring(response.content)  # well-formed
    assert Report.objects.get().description == "井盖松动"
