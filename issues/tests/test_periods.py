"""Statistics for a period: what a period is, where its edges fall in district time, and the
figures, pages, export and dashboard that count it, checked against a hand-built district."""

import datetime
import io
import zoneinfo

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from issues import periods, stats, workflow
from issues.models import Campaign, Report
from issues.tests.conftest import processed_photo

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2026, 11, 30)
H = datetime.timedelta(hours=1)


def at(month, day, hour=12, minute=0, year=2026):
    """A moment in the district's time."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def period(query, today=TODAY):
    with translation.override("zh-hans"):
        return periods.from_query(QueryDict(query), today=today)


# --- what a period is -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, first, last, label",
    [
        ("period=month", "2026-11-01", "2026-11-30", "本月"),
        ("period=last-month", "2026-10-01", "2026-10-31", "上月"),
        ("period=quarter", "2026-10-01", "2026-12-31", "本季度"),
        ("period=60d", "2026-10-02", "2026-11-30", "近60天"),
        ("", "2026-10-02", "2026-11-30", "近60天"),
        ("quarter=2026Q3", "2026-07-01", "2026-09-30", "2026年第三季度"),
        ("quarter=2025q4", "2025-10-01", "2025-12-31", "2025年第四季度"),
        ("from=2026-10-01&to=2026-11-30", "2026-10-01", "2026-11-30", "2026年10月1日至11月30日"),
        ("from=2025-12-01&to=2026-01-31", "2025-12-01", "2026-01-31", "2025年12月1日至2026年1月31日"),
        ("from=2026-03-05&to=2026-03-05", "2026-03-05", "2026-03-05", "2026年3月5日至3月5日"),
    ],
)
def test_the_query_string_names_a_period_in_whole_days(query, first, last, label):
    found = period(query)
    assert (str(found.first), str(found.last), found.label) == (first, last, label)
    assert found.start == datetime.datetime.fromisoformat(first).replace(tzinfo=SHANGHAI)
    assert found.end == datetime.datetime.fromisoformat(last).replace(tzinfo=SHANGHAI) + datetime.timedelta(days=1)
    assert period(found.query) == found  # the links to its export and its report name the same period


def test_all_time_has_no_edges():
    found = period("period=all")
    assert (found.start, found.end, found.label) == (None, None, "累计")


def test_a_quarter_ends_at_midnight_in_shanghai_not_in_utc():
    q3 = period("quarter=2026Q3")
    assert q3.end == datetime.datetime(2026, 9, 30, 16, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    "query, message",
    [
        ("from=2026-11-30&to=2026-10-01", "开始日期晚于结束日期。"),
        ("quarter=2026Q5", "没有这个季度：一年只有第一到第四季度（请写成 2026Q3 这样的形式）。"),
        ("quarter=2026Q0", "没有这个季度：一年只有第一到第四季度（请写成 2026Q3 这样的形式）。"),
        ("quarter=第三季度", "没有这个季度，请写成 2026Q3 这样的形式。"),
        ("quarter=2026-3", "没有这个季度，请写成 2026Q3 这样的形式。"),
        ("quarter=1999Q4", "年份须在 2000 年到 2026 年之间。"),
        ("quarter=2027Q1", "年份须在 2000 年到 2026 年之间。"),
        ("from=1999-12-31&to=2026-01-01", "年份须在 2000 年到 2026 年之间。"),
        ("from=2026-02-30&to=2026-03-01", "日期请写成 2026-10-01 这样的形式。"),
        ("from=２０２６-01-01&to=2026-03-01", "日期请写成 2026-10-01 这样的形式。"),
        ("from=yesterday&to=today", "日期请写成 2026-10-01 这样的形式。"),
        ("from=2026-10-01", "请同时填写开始日期和结束日期。"),
        ("to=2026-10-01", "请同时填写开始日期和结束日期。"),
        ("period=decade", "没有这个时段，请从列表中选择。"),
        ("period=" + "9" * 500, "没有这个时段，请从列表中选择。"),
    ],
)
def test_a_bad_period_says_what_is_wrong(query, message):
    with pytest.raises(periods.BadPeriod) as error:
        period(query)
    assert str(error.value) == message


def test_a_timeline_is_cut_into_weeks_months_or_years():
    weeks = period("period=60d").buckets(TODAY)
    assert [b.first.weekday() for b in weeks[1:]] == [0] * (len(weeks) - 1)  # each week starts on a Monday
    assert (weeks[0].first, weeks[-1].last, len(weeks)) == (datetime.date(2026, 10, 2), TODAY, 10)
    assert [b.label for b in period("quarter=2026Q3").buckets(TODAY)] == ["2026年7月", "2026年8月", "2026年9月"]
    years = period("from=2020-03-01&to=2026-11-30").buckets(TODAY)
    assert [b.label for b in years] == [str(y) for y in range(2020, 2027)]
    # This quarter is cut into months, and stops today: no empty future months.
    this_quarter = period("period=quarter").buckets(TODAY)
    assert [b.label for b in this_quarter] == ["2026年10月", "2026年11月"] and this_quarter[-1].last == TODAY


# --- a hand-built district ----------------------------------------------------------------------


@pytest.fixture
def district(volunteer, category, other_category, community_a, community_b, coordinator, handler_a):
    """Reports around the edge of the third and fourth quarters of 2026, in district time.

    q3_early   环境卫生 龙西  in 2026-07-15, dispatched at once, resolved after 30 h (on time), rated satisfied
    q3_late    管网破损 龙北  in 2026-08-20, dispatched at once, resolved 2026-08-22 (24 h limit: late)
    edge_in    环境卫生 龙西  in 2026-09-30 20:00, dispatched 23:59 that night, resolved 2026-10-01 09:00
    edge_out   环境卫生 龙西  in 2026-09-30 23:00, dispatched 2026-10-01 00:00, still open (overdue since 10-03)
    refused    管网破损 龙北  in 2026-09-01, rejected (received, never dispatched)
    october    管网破损 龙西  in 2026-10-20, dispatched, resolved 2026-10-21, published
    """
    made = {}

    def report(name, created, *, cat=category, community=community_a):
        made[name] = workflow.submit_report(
            volunteer=volunteer,
            category=cat,
            description=f"{name}：广场花苑小区3栋的垃圾桶坏了",
            community=community,
            latitude=30.2745,
            longitude=118.1322,
            photos=[processed_photo()],
            now=created,
            notify=False,
        )
        return made[name]

    def dispatch(name, when):
        workflow.dispatch(made[name], by=coordinator, organization=community_a, now=when, notify=False)

    def resolve(name, when):
        workflow.resolve(made[name], by=handler_a, note="已处理", photos=[processed_photo()], now=when, notify=False)

    report("q3_early", at(7, 15, 9))
    dispatch("q3_early", at(7, 15, 10))
    resolve("q3_early", at(7, 16, 16))
    workflow.rate(made["q3_early"], volunteer=volunteer, score="satisfied", now=at(7, 17))

    report("q3_late", at(8, 20, 9), cat=other_category, community=community_b)
    dispatch("q3_late", at(8, 20, 10))
    resolve("q3_late", at(8, 22, 10))

    report("edge_in", at(9, 30, 20))
    dispatch("edge_in", at(9, 30, 23, 59))
    resolve("edge_in", at(10, 1, 9))

    report("edge_out", at(9, 30, 23))
    dispatch("edge_out", at(10, 1, 0, 0))

    report("refused", at(9, 1), cat=other_category, community=community_b)
    workflow.reject(made["refused"], by=coordinator, reason="out_of_scope", now=at(9, 1, 14), notify=False)

    report("october", at(10, 20, 9), cat=other_category)
    dispatch("october", at(10, 20, 10))
    resolve("october", at(10, 21, 10))
    workflow.publish(made["october"], by=coordinator, now=at(10, 21, 12), notify=False)

    Campaign.objects.create(name="夏季送清凉", starts_on=datetime.date(2026, 7, 1), ends_on=datetime.date(2026, 8, 31))
    Campaign.objects.create(
        name="国庆环境整治", starts_on=datetime.date(2026, 9, 25), ends_on=datetime.date(2026, 10, 8)
    )
    Campaign.objects.create(name="冬季安全检查", starts_on=datetime.date(2026, 11, 1))
    for name in made:
        made[name].refresh_from_db()
    return made


def test_a_report_dispatched_at_2359_on_the_quarters_last_day_lands_in_that_quarter(district):
    q3, q4 = stats.overall(period=period("quarter=2026Q3")), stats.overall(period=period("quarter=2026Q4"))
    # Dispatched in Q3: q3_early, q3_late and edge_in (23:59 on 30 September); edge_out (00:00) is Q4's.
    assert (q3.dispatched, q4.dispatched) == (3, 2)
    assert (q3.received, q4.received) == (5, 1)  # edge_out arrived at 23:00 on 30 September
    assert (q3.solved, q4.solved) == (2, 2)  # edge_in was resolved at 09:00 on 1 October
    by_day = stats.overall(period=period("from=2026-10-01&to=2026-10-01"))
    assert (by_day.dispatched, by_day.solved) == (1, 1)


def _expected(reports, found, now):
    """The figures of `found`, counted report by report in plain Python."""

    def inside(moment):
        return moment is not None and found.start <= moment < found.end

    solved = [r for r in reports if r.state in stats.SOLVED and inside(r.resolved_at)]
    return {
        "received": sum(inside(r.created_at) for r in reports),
        "dispatched": sum(inside(r.dispatched_at) for r in reports),
        "responded": sum(inside(r.dispatched_at) and r.dispatched_at - r.created_at <= 4 * H for r in reports),
        "solved": len(solved),
        "on_time": sum(r.resolved_at <= r.deadline for r in solved),
        "rated": sum(r.rating_or_none is not None for r in solved),
        "overdue": sum(
            r.deadline is not None
            and found.start <= r.deadline < min(found.end, now)
            and (r.resolved_at is None or r.resolved_at > r.deadline)
            for r in reports
        ),
    }


def _figures(row):
    return {name: getattr(row, name) for name in ("received", "dispatched", "responded", "solved", "on_time", "rated")}


@pytest.mark.parametrize(
    "query",
    ["quarter=2026Q3", "quarter=2026Q4", "from=2026-09-30&to=2026-10-01", "from=2026-08-01&to=2026-10-31"],
)
def test_the_period_sums_equal_a_count_report_by_report(district, query, settings):
    settings.TRIAGE_HOURS = 4
    found = period(query)
    reports = list(Report.objects.select_related("rating"))
    expected = _expected(reports, found, now=datetime.datetime.now(datetime.UTC))
    whole = stats.overall(period=found)
    assert {**_figures(whole), "overdue": whole.overdue} == expected
    # Every dimension splits the same figures: their rows add up to the whole period.
    for dimension in ("category", "community", "organization", "month"):
        rows = stats.breakdown(dimension, period=found)
        for name in ("received", "solved", "on_time", "rated"):
            if dimension == "organization" and name == "received":
                continue  # the report refused before dispatch has no handling organization
            assert sum(getattr(row, name) for row in rows) == getattr(whole, name), (dimension, name)


def test_the_rates_of_a_period_have_the_known_answers(district):
    q3 = stats.overall(period=period("quarter=2026Q3"))
    assert (q3.solved, q3.on_time, q3.on_time_rate) == (2, 1, 50.0)  # q3_late missed its 24 h
    assert (q3.rated, q3.satisfied, q3.satisfaction_rate) == (1, 1, 100.0)
    assert q3.median == (30 * H + 48 * H) / 2
    q4 = stats.overall(period=period("quarter=2026Q4"))
    assert q4.overdue == 1  # edge_out's deadline (3 October) passed in Q4


def test_campaigns_count_in_the_periods_they_run_in(district):
    names = {
        query: [c.name for c in stats.campaigns(period(query))]
        for query in ("quarter=2026Q3", "quarter=2026Q4", "quarter=2026Q2")
    }
    assert names == {
        "quarter=2026Q3": ["国庆环境整治", "夏季送清凉"],
        "quarter=2026Q4": ["冬季安全检查", "国庆环境整治"],
        "quarter=2026Q2": [],
    }


def test_the_counts_per_community_and_their_frequent_problems(district, community_a, community_b):
    counted = stats.count_by_community(Report.objects.counted())
    assert counted == [(community_a.pk, "龙西社区", 4), (community_b.pk, "龙北社区", 2)]
    top = stats.top_problems_by_community(period("quarter=2026Q3"))
    assert top == [("龙西社区", 3, [("环境卫生", 3)]), ("龙北社区", 2, [("管网破损", 2)])]


# --- the pages ------------------------------------------------------------------------------


def test_the_stats_page_leads_with_the_seeds_sentence_for_the_period(client, district):
    body = client.get(reverse("issues:stats") + "?quarter=2026Q3").content.decode()
    assert "2026年第三季度，受理 2 大类 5 件，开展 2 次专项行动，解决 2 件" in body
    assert 'href="/stats.xlsx?quarter=2026Q3"' in body and 'href="/stats/report/?quarter=2026Q3"' in body
    body = client.get(reverse("issues:stats") + "?from=2026-10-01&to=2026-10-31").content.decode()
    assert "2026年10月1日至10月31日，受理 1 大类 1 件，开展 1 次专项行动，解决 2 件" in body


def test_each_period_has_its_own_cached_figures_and_a_change_shows_at_once(client, district, coordinator):
    def lead(query):
        return client.get(reverse("issues:stats") + query).context["overall"].solved

    assert (lead("?quarter=2026Q3"), lead("?quarter=2026Q4")) == (2, 2)
    workflow.reopen(district["october"], by=coordinator, reason="居民反映问题仍在", notify=False)
    assert (lead("?quarter=2026Q3"), lead("?quarter=2026Q4")) == (2, 1)


@pytest.mark.parametrize(
    "query, message",
    [
        ("?from=2026-11-30&to=2026-10-01", "开始日期晚于结束日期。"),
        ("?quarter=2026Q7", "没有这个季度"),
        ("?quarter=1900Q1", "年份须在"),
        ("?quarter=%00%01", "没有这个季度"),
        ("?from=%F0%9F%90%9D&to=2026-01-01", "日期请写成"),
    ],
)
def test_a_bad_period_on_the_page_is_explained_and_the_default_shown(client, district, query, message):
    for name in ("issues:stats", "issues:stats_report"):
        response = client.get(reverse(name) + query)
        body = response.content.decode()
        assert response.status_code == 400
        assert message in body and "下面显示的是近60天的数字。" in body
        assert "近60天，受理" in body  # the default period's figures, not an empty page
        assert "\x00" not in body


def test_a_bad_period_in_an_export_is_a_400_with_the_message(client, district):
    response = client.get("/stats.xlsx?quarter=2026Q9")
    assert response.status_code == 400 and "没有这个季度" in response.content.decode()
    assert client.get("/stats.csv?from=2026-12-01&to=2026-01-01").status_code == 400


def test_the_xlsx_has_a_sheet_per_dimension_with_the_periods_figures(client, district):
    response = client.get("/stats.xlsx?quarter=2026Q3")
    assert response["Content-Disposition"] == 'attachment; filename="beefeed-stats-2026-07-01-2026-09-30.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["概况", "承办单位", "问题类型", "社区", "按月份", "专项行动", "高发问题"]
    overview = {row[0]: row[1] for row in book["概况"].iter_rows(min_row=2, values_only=True)}
    assert overview["时段"] == "2026年第三季度" and overview["开始日期"] == datetime.datetime(2026, 7, 1)
    assert (overview["受理"], overview["已办结"], overview["按期办结率%"]) == (5, 2, 50.0)
    by_category = {row[0]: row[1:] for row in book["问题类型"].iter_rows(min_row=2, values_only=True)}
    assert by_category["环境卫生"][0] == 3 and by_category["管网破损"][0] == 2  # received
    assert by_category["环境卫生"][3] == 1 and by_category["管网破损"][3] == 1  # solved
    months = [row[0] for row in book["按月份"].iter_rows(min_row=2, values_only=True)]
    assert months == ["2026年7月", "2026年8月", "2026年9月"]
    campaigns = [row[0] for row in book["专项行动"].iter_rows(min_row=2, values_only=True)]
    assert campaigns == ["国庆环境整治", "夏季送清凉"]


def test_the_printable_report_has_two_pages_of_the_periods_figures(client, district):
    body = client.get(reverse("issues:stats_report") + "?quarter=2026Q3").content.decode()
    assert body.count('<section class="report-page">') == 2
    assert "2026年第三季度，受理 2 大类 5 件" in body
    assert "国庆环境整治" in body and "冬季安全检查" not in body
    assert "各社区高发问题" in body and "环境卫生 3" in body


def test_the_public_figures_carry_no_personal_data(client, district, volunteer):
    pages = [
        client.get(reverse("issues:stats") + "?quarter=2026Q3").content.decode(),
        client.get(reverse("issues:stats_report") + "?quarter=2026Q3").content.decode(),
        client.get("/stats.csv?quarter=2026Q3").content.decode("utf-8-sig"),
    ]
    book = load_workbook(io.BytesIO(client.get("/stats.xlsx?quarter=2026Q3").content))
    pages.append(" ".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row))
    for text in pages:
        assert volunteer.name not in text and volunteer.user.phone not in text
        assert "广场花苑小区3栋" not in text  # no report's own words either


def test_the_period_dashboard_is_for_coordinators_only(client, district, coordinator, handler_a):
    url = reverse("admin:index") + "?quarter=2026Q3"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(handler_a)
    assert 'id="period-dashboard"' not in client.get(url).content.decode()
    client.force_login(coordinator)
    body = client.get(url).content.decode()
    assert 'id="period-dashboard"' in body
    assert "2026年第三季度，受理 2 大类 5 件，开展 2 次专项行动，解决 2 件" in body
    assert 'href="/stats/report/?quarter=2026Q3"' in body


def test_a_bad_period_on_the_dashboard_is_explained(client, district, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("admin:index") + "?from=2026-11-30&to=2026-10-01")
    body = response.content.decode()
    assert response.status_code == 200 and "开始日期晚于结束日期。" in body and "近60天，受理" in body
