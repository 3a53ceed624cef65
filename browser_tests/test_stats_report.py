"""The district meeting's report prints on exactly two A4 pages, however busy the period was;
/stats/ takes a quarter typed on a phone."""

import datetime
import re

import pytest
from django.utils import timezone

from beefeed import generations
from beefeed.models import Organization
from browser_tests.conftest import ARTIFACTS, DESK, PHONE, open_page
from conftest import make_org, make_volunteer
from issues.models import Campaign, Category, Rating, Report, State

A4_POINTS = (595.3, 841.9)  # 210 × 297 mm
CATEGORIES = ["环境卫生", "管网破损", "车辆违停", "社情民意", "道路设施", "市容秩序", "安全隐患", "文明创建"]


@pytest.fixture
def busy_district(transactional_db):
    """A busy 60 days: 8 categories, 14 communities, 12 campaigns, 14 organizations, 300 reports
    (written in bulk: the workflow would take minutes; the figures only read the rows)."""
    now = timezone.now()
    categories = [
        Category.objects.create(name=name, code=f"c{i}", time_limit=48, time_limit_unit="hours", position=i)
        for i, name in enumerate(CATEGORIES)
    ]
    communities = [make_org(f"第{i + 1}社区") for i in range(14)]
    reporter = make_volunteer("13912345678", communities[0])
    today = timezone.localdate()
    for i in range(12):
        Campaign.objects.create(name=f"专项行动{i + 1}号", starts_on=today - datetime.timedelta(days=5 * i))
    reports = []
    for n in range(300):
        created = now - datetime.timedelta(days=n % 55 + 3)  # resolved (20–59 h later) before now
        community = communities[n % len(communities)]
        reports.append(
            Report(
                reporter=reporter,
                category=categories[n % len(categories)],
                community=community,
                description=f"第{n}号问题",
                latitude=30.27,
                longitude=118.13,
                state=State.PUBLISHED,
                assignee=community,
                created_at=created,
                dispatched_at=created + datetime.timedelta(hours=2),
                deadline=created + datetime.timedelta(hours=50),
                resolved_at=created + datetime.timedelta(hours=20 + n % 40),
                resolution_note="已处理",
                published_at=created + datetime.timedelta(hours=61),
            )
        )
    made = Report.objects.bulk_create(reports, batch_size=500)
    Rating.objects.bulk_create([Rating(report=r, volunteer=reporter, score=Rating.Score.SATISFIED) for r in made[::3]])
    generations.changed("reports")  # bulk_create sends no signal
    assert Organization.objects.count() == 14


@pytest.mark.parametrize("query", ["period=60d", "period=all"])
def test_the_meeting_report_prints_on_two_a4_pages(browser, live_server, busy_district, query):
    page = open_page(browser, live_server, DESK)
    page.goto(f"{live_server.url}/stats/report/?{query}")
    assert page.locator(".period-lead").first.inner_text().endswith("解决 300 件")
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    boxes = [(float(w), float(h)) for w, h in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)]
    assert len(boxes) == 2
    # Nothing is cut off at the foot of a page (each page hides what would spill onto a third).
    fits = "() => [...document.querySelectorAll('.report-page')].map(p => p.scrollHeight <= p.clientHeight + 1)"
    assert page.evaluate(fits) == [True, True]
    assert all(abs(w - A4_POINTS[0]) < 2 and abs(h - A4_POINTS[1]) < 2 for w, h in boxes)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"stats-report-{query.replace('=', '-')}.pdf").write_bytes(pdf)
    assert page.problems.errors == []
    page.context.close()


def test_a_quarter_typed_on_a_phone_shows_its_figures(browser, live_server, busy_district):
    page = open_page(browser, live_server, PHONE)
    page.goto(f"{live_server.url}/stats/")
    assert page.locator(".period-lead").inner_text().startswith("近60天，受理 8 大类 300 件")
    quarter = page.get_by_label("季度")
    quarter.fill(f"{timezone.localdate().year}Q{(timezone.localdate().month - 1) // 3 + 1}")
    quarter.press("Enter")
    page.wait_for_url(re.compile(r"quarter="))
    assert "年第" in page.locator("h2.period-title").inner_text()
    # The page fits the phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.problems.errors == []
    page.context.close()
