"""Chinese the way it is written, read off the pages as their readers see them: a quarter is 2026年第三季度,
a distance 120 米 or 1.2 公里, a date 2026年11月30日, and a select opens with a prompt such as 请选择社区,
never "---------". An English page keeps the English forms (Q3 2026, 1.2 km, 30 Nov 2026)."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from issues.models import Campaign, Report
from stations.models import Station
from volunteers import ledger, tallies

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HERE = (30.2745, 118.1322)
METRES_PER_DEGREE_OF_LATITUDE = 111_195


def page(client, url, headers=ZH):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response.content.decode()


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


class Selects(HTMLParser):
    """Every <select> of a page: its name and the texts of its options, in order."""

    def __init__(self):
        super().__init__()
        self.selects, self._option = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "select":
            self.selects.append((dict(attrs).get("name"), []))
        elif tag == "option" and self.selects:
            self._option = ""

    def handle_data(self, data):
        if self._option is not None:
            self._option += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            self.selects[-1][1].append(self._option.strip())
            self._option = None


def selects_of(html):
    parser = Selects()
    parser.feed(html)
    return dict(parser.selects)


@pytest.fixture
def q3_closed(volunteer, coordinator):
    """2026's third quarter closed, with the volunteer's 6 points in it."""
    ledger.award(
        volunteer,
        item=None,
        source="activity:1",
        rule="activity",
        points=6,
        by=coordinator,
        on=datetime.date(2026, 8, 14),
    )
    return tallies.close_quarter(2026, 3, by=coordinator)


@pytest.fixture
def solved_on_30_november(make_report, coordinator, handler_a):
    report = make_report("published", by_coordinator=coordinator, handler=handler_a)
    at = timezone.make_aware(datetime.datetime(2026, 11, 30, 14, 5))
    Report.objects.filter(pk=report.pk).update(
        created_at=at - datetime.timedelta(hours=3), resolved_at=at, published_at=at + datetime.timedelta(hours=1)
    )
    return report


@pytest.fixture
def stations_120_m_and_1_2_km_north(community_a):
    for name, metres in [("龙西社区服务中心驿站", 120), ("龙北社区夜宵驿站", 1_230)]:
        Station.objects.create(
            name=name,
            community=community_a,
            address=f"{name}地址",
            latitude=HERE[0] + metres / METRES_PER_DEGREE_OF_LATITUDE,
            longitude=HERE[1],
            status=Station.Status.OPEN,
        )


def test_the_points_page_writes_the_quarter_as_chinese_does(client, q3_closed, community_a):
    body = page(client, reverse("volunteers:points"))
    assert "2026年第三季度" in text_of(body) and "2026Q3" not in text_of(body)
    assert selects_of(body)["quarter"] == ["2026年第三季度"]
    assert 'value="2026Q3"' in body  # the address keeps the machine form
    sheet = page(client, reverse("volunteers:points_sheet", args=["2026Q3", community_a.pk]))
    assert "2026年第三季度" in text_of(sheet) and "2026Q3" not in text_of(sheet)


def test_the_english_points_page_writes_q3_2026(client, q3_closed):
    body = text_of(page(client, reverse("volunteers:points"), EN))
    assert "Q3 2026" in body and "2026Q3" not in body


def test_the_courier_sees_the_quarter_on_me_and_the_card(client, volunteer, q3_closed):
    client.force_login(volunteer.user)
    me = text_of(page(client, reverse("volunteers:me")))
    assert "2026年第三季度" in me and "2026Q3" not in me
    card = text_of(page(client, reverse("volunteers:card")))
    assert "第一季度" in card and "第四季度" in card and "Q1" not in card


def test_stations_nearest_first_write_metres_and_kilometres_in_chinese(client, stations_120_m_and_1_2_km_north):
    url = reverse("stations:map") + f"?lat={HERE[0]}&lng={HERE[1]}"
    body = text_of(page(client, url))
    assert "120 米" in body and "1.2 公里" in body
    assert " km" not in body and "120 m " not in body


def test_stations_nearest_first_in_english(client, stations_120_m_and_1_2_km_north):
    url = reverse("stations:map") + f"?lat={HERE[0]}&lng={HERE[1]}"
    body = text_of(page(client, url, EN))
    assert "120 m" in body and "1.2 km" in body and "公里" not in body


def test_the_board_writes_dates_as_chinese_does(client, solved_on_30_november):
    detail = text_of(page(client, reverse("issues:board_detail", args=[solved_on_30_november.pk])))
    assert "2026年11月30日 14:05" in detail and "2026-11-30" not in detail
    board = page(client, reverse("issues:board"))
    assert "2026年11月30日" in text_of(board) and "2026-11-30" not in text_of(board)
    assert "2026年11月" in selects_of(board)["month"]


def test_the_english_board_writes_english_dates(client, solved_on_30_november):
    detail = text_of(page(client, reverse("issues:board_detail", args=[solved_on_30_november.pk]), EN))
    assert "30 Nov 2026 14:05" in detail and "年" not in detail.split("30 Nov 2026")[0][-20:]
    board = page(client, reverse("issues:board"), EN)
    assert "November 2026" in selects_of(board)["month"]


def test_the_statistics_write_months_as_chinese_does(client, solved_on_30_november):
    # A quarter's timeline is by month (the default, the last 60 days, is by week).
    quarter = reverse("issues:stats") + "?quarter=2026Q4"
    body = text_of(page(client, quarter))
    assert "2026年11月" in body and "2026-11" not in body
    english = text_of(page(client, quarter, EN))
    assert "November 2026" in english


def test_the_selects_of_the_courier_and_join_forms_open_with_a_prompt(client, volunteer, community_a, category):
    join = selects_of(page(client, reverse("volunteers:join")))
    assert join["community"][0] == "请选择社区"
    client.force_login(volunteer.user)
    report = selects_of(page(client, reverse("issues:report_new")))
    assert report["community"][0] == "请选择社区"
    english = selects_of(page(client, reverse("issues:report_new"), EN))
    assert english["community"][0] == "Choose the community"


def test_the_board_filters_open_with_all_of_a_kind(client, solved_on_30_november):
    selects = selects_of(page(client, reverse("issues:board")))
    assert [selects[name][0] for name in ("category", "community", "month")] == ["全部类别", "全部社区", "全部月份"]


def test_no_select_on_a_public_or_courier_page_shows_dashes(
    client, volunteer, q3_closed, solved_on_30_november, stations_120_m_and_1_2_km_north, community_a
):
    station = Station.objects.first()
    campaign = Campaign.objects.create(name="背街小巷整治", starts_on=datetime.date(2026, 11, 1))
    public = [
        reverse("home"),
        reverse("issues:board"),
        reverse("issues:board_detail", args=[solved_on_30_november.pk]),
        reverse("issues:stats"),
        reverse("issues:campaign", args=[campaign.pk]),
        reverse("volunteers:points"),
        reverse("volunteers:points_sheet", args=["2026Q3", community_a.pk]),
        reverse("volunteers:join"),
        reverse("stations:map"),
        reverse("stations:detail", args=[station.pk]),
        reverse("login"),
    ]
    courier = [
        reverse("issues:report_new"),
        reverse("issues:my_reports"),
        reverse("volunteers:me"),
        reverse("volunteers:redeem"),
        reverse("volunteers:my_data"),
    ]
    seen = 0
    for headers in (ZH, EN):
        for url in public:
            for name, options in selects_of(page(client, url, headers)).items():
                seen += 1
                assert options and options[0], (url, name)
                assert not any(re.fullmatch(r"-+", option) for option in options), (url, name, options)
        client.force_login(volunteer.user)
        for url in courier:
            for name, options in selects_of(page(client, url, headers)).items():
                seen += 1
                assert options and options[0], (url, name)
                assert not any(re.fullmatch(r"-+", option) for option in options), (url, name, options)
        client.logout()
    assert seen >= 12  # the walk did meet the selects: board ×3, points ×2, join, the courier's form


def test_the_coordinator_reads_quarters_as_chinese_writes_them(client, coordinator, q3_closed):
    client.force_login(coordinator)
    closed = text_of(page(client, reverse("admin:volunteers_quarter_changelist")))
    assert "2026年第三季度" in closed and "2026Q3" not in closed
    tallies_page = page(client, reverse("admin:volunteers_quartertally_changelist"))
    assert "2026年第三季度" in text_of(tallies_page) and "2026Q3" not in text_of(tallies_page)
    add = selects_of(page(client, reverse("admin:volunteers_quarter_add")))
    assert add["number"] == ["请选择季度", "第一季度", "第二季度", "第三季度", "第四季度"]


def test_the_staff_forms_open_their_selects_with_a_prompt(client, coordinator, make_report, handler_a):
    report = make_report()
    client.force_login(coordinator)
    dispatch = selects_of(page(client, reverse("admin:issues_report_act", args=[report.pk, "dispatch"])))
    assert dispatch["organization"][0] == "请选择承办单位"
    reject = selects_of(page(client, reverse("admin:issues_report_act", args=[report.pk, "reject"])))
    assert reject["reason"][0] == "请选择原因"
    intake = selects_of(page(client, reverse("admin:issues_report_enter")))
    assert intake["community"][0] == "请选择社区"
    assert not any("-----" in option for options in [*dispatch.values(), *reject.values()] for option in options)
