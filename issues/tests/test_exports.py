"""Excel and CSV for the district office; the board's GeoJSON."""

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def workbook(response):
    return load_workbook(io.BytesIO(response.content)).active


def test_the_filtered_admin_list_exports_to_excel(client, make_report, coordinator, handler_a, community_b):
    published = make_report("published", by_coordinator=coordinator, handler=handler_a)
    make_report("dispatched", by_coordinator=coordinator)
    make_report()
    client.force_login(coordinator)
    url = reverse("admin:issues_report_export", args=["xlsx"])
    response = client.get(url, {"state__exact": "published"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = workbook(response)
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["编号", "受理时间", "问题类型", "社区"]
    assert sheet.max_row == 2  # the header and the one published report
    assert sheet["A2"].value == published.reference
    assert isinstance(sheet["B2"].value, datetime.datetime)  # a real Excel date, not text
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["F"].width > 10
    assert published.reporter.name not in "".join(str(c.value) for row in sheet.iter_rows() for c in row)
    assert client.get(url).status_code == 200 and workbook(client.get(url)).max_row == 4


def test_csv_opens_in_excel_and_round_trips(client, make_report, coordinator):
    report = make_report("dispatched", by_coordinator=coordinator)
    client.force_login(coordinator)
    response = client.get(reverse("admin:issues_report_export", args=["csv"]))
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "编号" and rows[1][0] == report.reference
    assert rows[1][2] == report.category.name and "叶*" in rows[1]


def test_handlers_export_only_their_own_reports(client, make_report, coordinator, handler_a, handler_b, community_b):
    mine = make_report("dispatched", by_coordinator=coordinator)
    theirs = make_report()
    from issues import workflow

    workflow.dispatch(theirs, by=coordinator, organization=community_b, notify=False)
    client.force_login(handler_a)
    sheet = workbook(client.get(reverse("admin:issues_report_export", args=["xlsx"])))
    references = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert references == [mine.reference]
    client.logout()
    assert client.get(reverse("admin:issues_report_export", args=["xlsx"])).status_code == 302


def test_selected_rows_export_through_an_admin_action(client, make_report, coordinator):
    first = make_report()
    make_report()
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:issues_report_changelist"), {"action": "export_selected_xlsx", "_selected_action": [first.pk]}
    )
    assert [row[0].value for row in workbook(response).iter_rows(min_row=2)] == [first.reference]


def test_the_public_rates_export(client, make_report, coordinator, handler_a):
    make_report("published", by_coordinator=coordinator, handler=handler_a)
    sheet = workbook(client.get(reverse("issues:stats_export", args=["xlsx"])))
    assert sheet["A1"].value == "分组方式" and sheet.max_row > 1
    assert client.get(reverse("issues:stats_export", args=["pdf"])).status_code == 404
    rows = list(csv.reader(io.StringIO(client.get("/stats.csv").content.decode("utf-8-sig"))))
    assert rows[0][0] == "分组方式"


def test_the_board_geojson_has_published_reports_only_and_no_person(client, make_report, coordinator, handler_a):
    published = make_report("published", by_coordinator=coordinator, handler=handler_a)
    make_report("dispatched", by_coordinator=coordinator)
    response = client.get(reverse("issues:board_geojson"))
    assert response["Content-Type"].startswith("application/geo+json")
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 1
    feature = data["features"][0]
    assert feature["geometry"]["coordinates"] == [published.longitude, published.latitude]
    assert feature["properties"]["reference"] == published.reference
    text = response.content.decode()
    assert published.reporter.name not in text and published.reporter.user.phone not in text


def test_text_that_looks_like_a_formula_stays_text(client, make_report, coordinator):
    report = make_report(description='=HYPERLINK("http://evil.example","点我")\x0b')
    client.force_login(coordinator)
    sheet = workbook(client.get(reverse("admin:issues_report_export", args=["xlsx"])))
    cell = sheet["F2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("admin:issues_report_export", args=["csv"])).content.decode("utf-8-sig"))
        )
    )
    assert rows[1][5].startswith("'=HYPERLINK")
    assert report.reference in rows[1][0]
