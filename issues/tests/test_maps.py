"""Problems on a map: the public map of solved problems (/board/map/, /board.geojson) and the staff map
of open reports (/admin/issues/report/map/ and its GeoJSON)."""

import datetime
import json
import math

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from beefeed.geo import distance_m
from beefeed.models import Organization
from beefeed.roles import HANDLERS
from conftest import make_staff
from issues import workflow
from issues.models import Report

pytestmark = pytest.mark.django_db

EXACT = (30.274537, 118.132281)  # a doorway; no public answer may carry it
PUBLIC_PROPERTIES = {"reference", "title", "category", "community", "handled_by", "resolved", "on_time", "url"}


def geojson(response):
    """The body as RFC 7946 demands it, checked member by member; returns the parsed collection."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    assert set(data) == {"type", "features"}  # no "crs" (RFC 7946 §4: WGS-84 only), nothing else
    for f in data["features"]:
        assert f["type"] == "Feature" and isinstance(f["properties"], dict)
        assert isinstance(f["id"], (str, int)) and not isinstance(f["id"], bool)
        assert f["geometry"]["type"] == "Point"
        lng, lat = f["geometry"]["coordinates"]
        assert all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in (lng, lat))
        assert -180 <= lng <= 180 and -90 <= lat <= 90
    return data


def published_at_exact(make_report, coordinator, handler):
    return make_report("published", by_coordinator=coordinator, handler=handler, latitude=EXACT[0], longitude=EXACT[1])


def on_grid(value):
    return abs(value * 2000 - round(value * 2000)) < 1e-6


# --- the public map ---------------------------------------------------------------------------


def test_the_public_geojson_is_rfc_7946_with_longitude_first(client, make_report, coordinator, handler_a):
    report = make_report("published", by_coordinator=coordinator, handler=handler_a)
    data = geojson(client.get(reverse("issues:board_geojson")))
    (feature,) = data["features"]
    lng, lat = feature["geometry"]["coordinates"]
    assert abs(lng - report.longitude) < 0.001 and abs(lat - report.latitude) < 0.001  # [lng, lat], not [lat, lng]
    assert feature["properties"]["url"].endswith(reverse("issues:board_detail", args=[report.pk]))


def test_it_holds_published_reports_only(client, make_report, coordinator, handler_a):
    published = make_report("published", by_coordinator=coordinator, handler=handler_a)
    for state in ("submitted", "rejected", "dispatched", "in_progress", "resolved", "returned"):
        make_report(state, by_coordinator=coordinator, handler=handler_a, description=f"未公示的{state}")
    data = geojson(client.get(reverse("issues:board_geojson")))
    assert [f["id"] for f in data["features"]] == [published.reference]
    page = client.get(reverse("issues:board_map")).content.decode()
    assert "未公示的" not in page and published.reference in page


def test_positions_really_are_rounded_to_about_50_m(client, make_report, coordinator, handler_a):
    report = published_at_exact(make_report, coordinator, handler_a)
    response = client.get(reverse("issues:board_geojson"))
    lng, lat = geojson(response)["features"][0]["geometry"]["coordinates"]
    assert on_grid(lng) and on_grid(lat)
    assert (lat, lng) != EXACT
    assert 0 < distance_m(lat, lng, *EXACT) <= 40  # half the diagonal of a 55 m × 48 m cell
    for url in ("/board.geojson", "/board/map/", reverse("issues:board_detail", args=[report.pk])):
        text = client.get(url).content.decode()
        assert "30.27453" not in text and "118.13228" not in text, url


def test_the_board_page_and_the_map_round_in_one_place(client, make_report, coordinator, handler_a):
    report = published_at_exact(make_report, coordinator, handler_a)
    lng, lat = geojson(client.get(reverse("issues:board_geojson")))["features"][0]["geometry"]["coordinates"]
    page = client.get(reverse("issues:board_detail", args=[report.pk])).content.decode()
    assert f'data-lat="{lat:.4f}" data-lng="{lng:.4f}"' in page


def test_the_public_geojson_carries_no_person_and_no_photo(client, make_report, coordinator, handler_a):
    report = make_report("published", by_coordinator=coordinator, handler=handler_a)
    response = client.get(reverse("issues:board_geojson"))
    (feature,) = geojson(response)["features"]
    assert set(feature["properties"]) == PUBLIC_PROPERTIES
    text = response.content.decode()
    volunteer = report.reporter
    staff = (handler_a.email, coordinator.email, coordinator.get_full_name())
    for private in (volunteer.name, volunteer.user.phone, volunteer.short_name, *staff):
        assert private not in text
    assert "/media/" not in text and "photo" not in text and "address" not in text


def test_the_filters_apply_to_the_map_its_geojson_and_its_counts(
    client, make_report, coordinator, handler_a, other_category, community_b
):
    pipes = make_report("published", by_coordinator=coordinator, handler=handler_a, category=other_category)
    bins = make_report("published", by_coordinator=coordinator, handler=handler_a, community=community_b)
    query = {"category": other_category.pk}
    data = geojson(client.get(reverse("issues:board_geojson"), query))
    assert [f["id"] for f in data["features"]] == [pipes.reference]
    page = client.get(reverse("issues:board_map"), query).content.decode()
    assert pipes.reference in page and bins.reference not in page
    assert f'data-geojson="/board.geojson?category={other_category.pk}"' in page
    month = timezone.localtime(pipes.published_at).strftime("%Y-%m")
    assert len(geojson(client.get(reverse("issues:board_geojson"), {"month": month}))["features"]) == 2
    assert geojson(client.get(reverse("issues:board_geojson"), {"month": "2001-01"}))["features"] == []
    counts = client.get(reverse("issues:board_map")).context["counts"]
    assert sorted((row["community"], row["n"]) for row in counts) == [("龙北社区", 1), ("龙西社区", 1)]


@pytest.mark.parametrize(
    "query", [{"month": "2026-13"}, {"month": "latest"}, {"category": "all"}, {"community": "-1x"}]
)
def test_bad_filters_get_a_400_not_a_500(client, query):
    assert client.get(reverse("issues:board_map"), query).status_code == 400
    assert client.get(reverse("issues:board_geojson"), query).status_code == 400


def test_the_map_page_lists_the_solved_problems_with_links_and_counts(client, make_report, coordinator, handler_a):
    report = make_report("published", by_coordinator=coordinator, handler=handler_a)
    response = client.get(reverse("issues:board_map"))
    page = response.content.decode()
    assert f'href="{reverse("issues:board_detail", args=[report.pk])}"' in page
    assert 'id="problem-map"' in page and "markercluster/leaflet.markercluster-src.js" in page
    assert "按社区" in page and "龙西社区" in page
    assert response.context["total"] == 1
    assert reverse("issues:board_map") in client.get(reverse("issues:board")).content.decode()


# --- the staff map ----------------------------------------------------------------------------


@pytest.fixture
def department(db):
    return Organization.objects.create(name="区城管局", kind=Organization.Kind.DEPARTMENT)


@pytest.fixture
def spread(make_report, coordinator, community_a, community_b, department, other_category):
    """Open reports in two communities and one at a department, plus a published and a rejected one."""
    in_a = make_report("dispatched", by_coordinator=coordinator)
    new_in_a = make_report("submitted", description="龙西新报")
    in_b = make_report("submitted", community=community_b, latitude=30.2828, longitude=118.1431)
    workflow.dispatch(in_b, by=coordinator, organization=community_b, notify=False)
    at_department = make_report("submitted", category=other_category, description="龙西路面交城管局")
    workflow.dispatch(at_department, by=coordinator, organization=department, notify=False)
    make_report("rejected", by_coordinator=coordinator, description="不予受理的")
    return {"in_a": in_a, "new_in_a": new_in_a, "in_b": in_b, "at_department": at_department}


def staff_ids(client, query=None):
    return {f["id"] for f in geojson(client.get(reverse("admin:issues_report_map_geojson"), query or {}))["features"]}


def test_anonymous_and_volunteers_are_sent_to_the_login(client, volunteer, spread):
    for url in (reverse("admin:issues_report_map"), reverse("admin:issues_report_map_geojson")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    client.force_login(volunteer.user)
    response = client.get(reverse("admin:issues_report_map_geojson"))
    assert response.status_code == 302 and "BF" not in response.content.decode()


def test_staff_without_the_reports_permission_get_403(client, spread):
    clerk = get_user_model().objects.create_user(username="clerk", password="x-pass-2026", is_staff=True)
    client.force_login(clerk)
    assert client.get(reverse("admin:issues_report_map")).status_code == 403
    assert client.get(reverse("admin:issues_report_map_geojson")).status_code == 403


def test_a_coordinator_sees_every_open_report(client, coordinator, spread):
    client.force_login(coordinator)
    assert staff_ids(client) == {r.reference for r in spread.values()}


def test_a_community_handler_sees_its_area_only(client, handler_a, handler_b, spread):
    client.force_login(handler_a)
    # Dispatched to them, new in their area, and located in their area though a department handles it.
    assert staff_ids(client) == {spread[k].reference for k in ("in_a", "new_in_a", "at_department")}
    client.force_login(handler_b)
    assert staff_ids(client) == {spread["in_b"].reference}


def test_a_department_handler_sees_its_own_reports_only(client, department, spread):
    client.force_login(make_staff("chengguan", department, HANDLERS))
    assert staff_ids(client) == {spread["at_department"].reference}


def test_a_forged_query_cannot_widen_the_scope(client, handler_b, community_a, coordinator, spread):
    client.force_login(handler_b)
    for query in (
        {"community": community_a.pk},
        {"community__id__exact": community_a.pk, "assignee__id__exact": community_a.pk},
        {"all": "1", "scope": "all", "user": coordinator.pk, "state": "published"},
    ):
        assert staff_ids(client, query) == {spread["in_b"].reference}, query
    page = client.get(reverse("admin:issues_report_map"), {"community": community_a.pk}).content.decode()
    assert spread["in_a"].reference not in page and "龙西新报" not in page


def test_the_staff_geojson_says_state_and_overdue_and_links_to_the_admin(client, coordinator, spread):
    late = spread["in_a"]
    Report.objects.filter(pk=late.pk).update(deadline=timezone.now() - datetime.timedelta(hours=3))
    client.force_login(coordinator)
    features = {f["id"]: f for f in geojson(client.get(reverse("admin:issues_report_map_geojson")))["features"]}
    p = features[late.reference]["properties"]
    assert p["state"] == "dispatched" and p["state_label"] == "已派单" and p["overdue"] is True
    assert p["url"] == reverse("admin:issues_report_change", args=[late.pk])
    assert features[spread["new_in_a"].reference]["properties"]["overdue"] is False
    assert features[late.reference]["geometry"]["coordinates"] == [late.longitude, late.latitude]


def test_the_staff_map_page_has_a_legend_in_words_counts_and_a_list(client, coordinator, spread):
    Report.objects.filter(pk=spread["in_a"].pk).update(deadline=timezone.now() - datetime.timedelta(hours=3))
    client.force_login(coordinator)
    response = client.get(reverse("admin:issues_report_map"))
    page = response.content.decode()
    for label in ("待受理 (1)", "已派单 (3)", "已超时：红色外圈加“!”", "图例", "按社区"):
        assert label in page, label
    assert response.context["overdue"] == 1
    counts = {row["community"]: (row["n"], row["overdue"]) for row in response.context["counts"]}
    assert counts == {"龙西社区": (3, 1), "龙北社区": (1, 0)}
    for report in spread.values():
        assert f'href="{reverse("admin:issues_report_change", args=[report.pk])}"' in page
    assert "不予受理的" not in page


def test_the_report_list_and_the_admin_index_link_to_the_map(client, coordinator, handler_a):
    url = reverse("admin:issues_report_map")
    for user in (coordinator, handler_a):
        client.force_login(user)
        assert url in client.get(reverse("admin:issues_report_changelist")).content.decode()
        assert url in client.get(reverse("admin:index")).content.decode()


def test_a_newly_published_problem_shows_at_once_though_the_geojson_is_cached(
    client, make_report, coordinator, handler_a
):
    first = make_report("published", by_coordinator=coordinator, handler=handler_a)
    assert [f["id"] for f in geojson(client.get("/board.geojson"))["features"]] == [first.reference]
    resolved = make_report("resolved", by_coordinator=coordinator, handler=handler_a)
    workflow.publish(resolved, by=coordinator, notify=False)
    assert {f["id"] for f in geojson(client.get("/board.geojson"))["features"]} == {first.reference, resolved.reference}
