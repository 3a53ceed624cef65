"""A coordinator covers a face on a photo with the mouse, and the public board shows only the covered copy."""

import io

import pytest
from PIL import Image, ImageDraw

from beefeed import photos
from beefeed.models import Organization
from beefeed.roles import COORDINATORS, HANDLERS
from browser_tests.conftest import ARTIFACTS, DESK, PHONE, open_page, wait_until
from browser_tests.test_triage_journey import sign_in
from conftest import make_staff, make_volunteer
from issues import workflow
from issues.models import Category, ReportPhoto

TEXT = "广场花苑3栋门口的垃圾桶坏了，住在502的李阿姨天天在这里骂人"
PUBLIC_TEXT = "广场花苑3栋门口的垃圾桶坏了"


def street_photo(seed):
    """A street scene: sky, a wall, a "face" and a "number plate" with fine detail to cover."""
    image = Image.new("RGB", (1200, 900), (150, 190, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 500, 1200, 900), fill=(120, 120, 110))
    draw.rectangle((80, 180, 560, 640), fill=(200, 170, 140))
    draw.ellipse((640, 160, 880, 440), fill=(236, 200, 170))  # the face
    for x in range(680, 860, 6):
        draw.line((x, 200, x + 20, 420), fill=(60 + seed * 40, 40, 30), width=2)
    draw.rectangle((700, 600, 1060, 700), fill=(20, 60, 160))  # the plate
    draw.text((730, 630), "WAN J 88888", fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return photos.process_bytes(out.getvalue())


@pytest.fixture
def published(transactional_db):
    longxi = Organization.objects.create(name="龙西社区", kind="community", latitude=30.2745, longitude=118.1322)
    office = Organization.objects.create(name="区委组织部", kind="office")
    category = Category.objects.create(name="环境卫生", code="sanitation", short_label="环境", time_limit=48)
    volunteer = make_volunteer("13912345678", longxi)
    coordinator = make_staff("coord", office, COORDINATORS)
    handler = make_staff("handler_a", longxi, HANDLERS)
    report = workflow.submit_report(
        volunteer=volunteer,
        category=category,
        description=TEXT,
        community=longxi,
        latitude=30.2745,
        longitude=118.1322,
        address="广场花苑3栋",
        photos=[street_photo(1)],
        notify=False,
    )
    workflow.dispatch(report, by=coordinator, organization=longxi, notify=False)
    workflow.start(report, by=handler, notify=False)
    workflow.resolve(report, by=handler, note="已更换垃圾桶", photos=[street_photo(2)], notify=False)
    workflow.publish(report, by=coordinator, notify=False)
    return report


def test_a_coordinator_covers_a_face_with_the_mouse_and_the_public_sees_it_pixelated(browser, live_server, published):
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    coordinator = open_page(browser, live_server, DESK)
    sign_in(coordinator, base, "coord")
    coordinator.goto(f"{base}/admin/issues/report/{published.pk}/change/")
    coordinator.get_by_role("link", name="公开前审核").click()
    coordinator.wait_for_url(f"**/issues/report/{published.pk}/moderate/")

    coordinator.fill("#id_public_description", PUBLIC_TEXT)
    before = published.photos.get(kind="before")
    stage = coordinator.locator(f'.bf-cover-stage[data-input="areas-{before.pk}"]')
    stage.scroll_into_view_if_needed()
    wait_until(
        coordinator,
        "el => el.querySelector('img').complete && el.querySelector('img').naturalWidth > 0",
        stage.element_handle(),
    )
    box = stage.bounding_box()
    # The face is at x 640..880, y 160..440 of 1200×900: drag from its top-left to its bottom-right.
    coordinator.mouse.move(box["x"] + box["width"] * 0.52, box["y"] + box["height"] * 0.16)
    coordinator.mouse.down()
    coordinator.mouse.move(box["x"] + box["width"] * 0.62, box["y"] + box["height"] * 0.30, steps=5)
    coordinator.mouse.move(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.50, steps=5)
    coordinator.mouse.up()
    assert coordinator.locator(f'.bf-cover-stage[data-input="areas-{before.pk}"] .bf-cover-area').count() == 1
    assert coordinator.locator(f'.bf-cover-count[data-input="areas-{before.pk}"]').inner_text() == "1 / 20"
    coordinator.screenshot(path=str(ARTIFACTS / "moderation-drawn-desk.png"))

    coordinator.get_by_role("button", name="保存审核").click()
    coordinator.wait_for_url(f"**/issues/report/{published.pk}/change/")
    assert "已审核" in coordinator.locator(".messagelist").inner_text()
    coordinator.screenshot(path=str(ARTIFACTS / "moderation-saved-desk.png"))
    assert coordinator.problems.errors == []

    before = ReportPhoto.objects.get(pk=before.pk)
    assert before.is_covered and len(before.covered) == 1
    x, y, w, h = before.covered[0]
    assert 0.50 < x < 0.54 and 0.14 < y < 0.18 and 0.21 < w < 0.25 and 0.32 < h < 0.36

    for viewport, name in [(DESK, "desk"), (PHONE, "phone")]:
        public = open_page(browser, live_server, viewport)
        public.goto(f"{base}/board/{published.pk}/")
        sources = public.locator(".before-after img").evaluate_all("imgs => imgs.map(i => i.getAttribute('src'))")
        assert before.public_url in sources
        assert before.image.url not in sources and before.thumbnail.url not in sources
        assert PUBLIC_TEXT in public.content() and "李阿姨" not in public.content()
        wait_until(
            public,
            "() => [...document.querySelectorAll('.before-after img')].every(i => i.complete && i.naturalWidth > 0)",
        )
        public.screenshot(path=str(ARTIFACTS / f"moderation-public-board-{name}.png"), full_page=True)
        assert public.problems.errors == []
        public.context.close()
        # The original stays closed to the public.
        anonymous = open_page(browser, live_server, viewport)
        assert anonymous.request.get(f"{base}{before.image.url}").status == 404
        anonymous.context.close()
    coordinator.context.close()
