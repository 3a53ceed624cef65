"""Excel and CSV for the district office; the board's GeoJSON."""

import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from issues.models import Campaign, Rating, Report, State

pytestmark = pytest.mark.django_db


def workbook(response):
    return load_workbook(io.BytesIO(response.getvalue())).active


def add_rated(count, *, reporter, category, community, description="第{n}号问题"):
    """Published, rated reports in a campaign, written in bulk (the workflow would take minutes for thousands)."""
    now = timezone.now()
    campaign = Campaign.objects.get_or_create(name="清洁家园", defaults={"starts_on": now.date()})[0]
    start = Report.objects.count()
    created = Report.objects.bulk_create(
        [
            Report(
                reporter=reporter,
                category=category,
                community=community,
                campaign=campaign,
                description=description.format(n=start + n),
                address="广场花苑",
                latitude=30.27,
                longitude=118.13,
                state=State.PUBLISHED,
                assignee=community,
                deadline=now - datetime.timedelta(hours=1),
                dispatched_at=now - datetime.timedelta(hours=30),
                resolved_at=now - datetime.timedelta(hours=5),
                resolution_note="已处理",
                published_at=now - datetime.timedelta(hours=2),
                created_at=now - datetime.timedelta(days=30) + datetime.timedelta(minutes=start + n),
            )
            for n in range(count)
        ],
        batch_size=500,
    )
    Rating.objects.bulk_create(
        [Rating(report=r, volunteer=reporter, score=Rating.Score.SATISFIED) for r in created], batch_size=500
    )
    return created


def export(client, how):
    """The whole list through the export link ("csv", "xlsx"), or every row selected for the CSV action."""
    if how == "action":
        selected = list(Report.objects.values_list("pk", flat=True))
        return client.post(
            reverse("admin:issues_report_changelist"), {"action": "export_selected_csv", "_selected_action": selected}
        )
    return client.get(reverse("admin:issues_report_export", args=[how]))


def exported_queries(client, how):
    with CaptureQueriesContext(connection) as captured:
        export(client, how).getvalue()
    return len(captured.captured_queries)


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
    body = response.getvalue()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "编号" and rows[1][0] == report.reference
    assert rows[1][2] == report.category.name and "叶*" in rows[1]


def test_handlers_export_only_their_own_reports(client, make_report, coordinator, handler_a, handler_b, community_b):
    mine = make_report("dispatched", by_coordinator=coordinator)
    theirs = make_report(community=community_b)
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


def test_too_many_rows_for_excel_are_refused_with_a_way_forward(client, make_report, coordinator, monkeypatch):
    """Excel is built before its first byte goes out; past the limit the coordinator is sent back to the
    list, filters kept, with a message; the CSV of the same list streams."""
    from issues import exports

    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 2)
    reports = [make_report() for _ in range(3)]
    client.force_login(coordinator)
    refused = client.get(
        reverse("admin:issues_report_export", args=["xlsx"]), {"state__exact": "submitted"}, follow=True
    )
    assert refused.redirect_chain[-1][0] == reverse("admin:issues_report_changelist") + "?state__exact=submitted"
    assert "3 条上报太多" in refused.content.decode() and "CSV" in refused.content.decode()
    streamed = client.get(reverse("admin:issues_report_export", args=["csv"]), {"state__exact": "submitted"})
    assert (
        streamed.status_code == 200 and len(b"".join(streamed.streaming_content).decode("utf-8-sig").splitlines()) == 4
    )
    action = client.post(
        reverse("admin:issues_report_changelist"),
        {"action": "export_selected_xlsx", "_selected_action": [r.pk for r in reports]},
        follow=True,
    )
    assert "3 条上报太多" in action.content.decode()
    assert (
        workbook(
            client.post(
                reverse("admin:issues_report_changelist"),
                {"action": "export_selected_xlsx", "_selected_action": [r.pk for r in reports[:2]]},
            )
        ).max_row
        == 3
    )


def test_the_public_rates_export(client, make_report, coordinator, handler_a):
    make_report("published", by_coordinator=coordinator, handler=handler_a)
    sheet = workbook(client.get(reverse("issues:stats_export", args=["xlsx"])))
    assert sheet.title == "概况" and sheet["A2"].value == "时段" and sheet["B2"].value == "近60天"
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
    # Rounded to the public grid of 0.0005 degree (issues.board.rounded_point), never the exact place.
    grid = [round(published.longitude * 2000) / 2000, round(published.latitude * 2000) / 2000]
    assert feature["geometry"]["coordinates"] == grid
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
            io.StringIO(client.get(reverse("admin:issues_report_export", args=["csv"])).getvalue().decode("utf-8-sig"))
        )
    )
    assert rows[1][5].startswith("'=HYPERLINK")
    assert report.reference in rows[1][0]


def test_a_large_csv_export_streams_every_row_with_the_bom_and_clean_cells(
    client, coordinator, volunteer, category, community_a
):
    reports = add_rated(
        2500, reporter=volunteer, category=category, community=community_a, description="=1+2\x0b第{n}号"
    )
    client.force_login(coordinator)
    response = client.get(reverse("admin:issues_report_export", args=["csv"]))
    assert response.streaming  # more than one chunk of 2,000 reports, never all in memory
    assert (
        response["Content-Disposition"] == f'attachment; filename="beefeed-reports-{timezone.localdate():%Y%m%d}.csv"'
    )
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 2501 and rows[0][0] == "编号"
    assert [row[0] for row in rows[1:]] == [r.reference for r in reports]
    last = rows[-1]
    assert last[1] == timezone.localtime(reports[-1].created_at).strftime("%Y-%m-%d %H:%M")
    assert last[5] == "'=1+2第2499号"  # the control character is gone, the formula quoted
    assert last[6] == "已公示" and last[11] == "是" and last[12] == "满意"
    assert last[13] == "清洁家园" and last[14] == "叶*" and volunteer.name not in body.decode("utf-8-sig")


def test_a_large_excel_export_reads_back_with_bold_header_real_dates_and_text(
    client, coordinator, volunteer, category, community_a
):
    reports = add_rated(
        2500,
        reporter=volunteer,
        category=category,
        community=community_a,
        description='=HYPERLINK("http://x.example","{n}")',
    )
    Report.objects.filter(pk=reports[-1].pk).update(address="#N/A")
    client.force_login(coordinator)
    response = client.get(reverse("admin:issues_report_export", args=["xlsx"]))
    assert response.streaming and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        response["Content-Disposition"] == f'attachment; filename="beefeed-reports-{timezone.localdate():%Y%m%d}.xlsx"'
    )
    body = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(body)  # the browser shows the download's progress
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet.max_row == 2501 and sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1]) and not sheet["A2"].font.b
    last = sheet[2501]
    assert last[0].value == reports[-1].reference
    in_district_time = timezone.localtime(reports[-1].created_at).replace(tzinfo=None)
    assert isinstance(last[1].value, datetime.datetime) and last[1].number_format == "yyyy-mm-dd hh:mm"
    assert abs(last[1].value - in_district_time) < datetime.timedelta(seconds=1)
    assert last[4].data_type == "s" and last[4].value == "#N/A"  # text, not Excel's error value
    assert last[5].data_type == "s" and last[5].value == '=HYPERLINK("http://x.example","2499")'
    assert sheet.column_dimensions["F"].width > 10


def test_exports_ask_the_same_number_of_queries_for_10_or_300_reports(
    client, coordinator, volunteer, category, community_a, django_assert_max_num_queries
):
    add_rated(10, reporter=volunteer, category=category, community=community_a)
    client.force_login(coordinator)
    few = {how: exported_queries(client, how) for how in ("csv", "xlsx", "action")}
    add_rated(290, reporter=volunteer, category=category, community=community_a)
    for how in ("csv", "xlsx", "action"):
        with django_assert_max_num_queries(few[how]):
            body = export(client, how).getvalue()
        if how != "xlsx":
            assert body.decode("utf-8-sig").count("\r\n") == 301
