"""A community handler resolves a report one-handed on a phone (390×844), at the place: opens it from
the list (time left in view), taps a reply template, edits it, attaches the after photo — a refused
file first, which keeps the typed note — and resolves. The move's button stays on the first screen
under the thumb, and nothing scrolls sideways. A coordinator's move page at the desk, with its
templates, is looked at too."""

import io

from PIL import Image, ImageDraw

from beefeed.demo import DEMO_PASSWORD
from browser_tests.conftest import ARTIFACTS, DESK, PHONE, open_page
from browser_tests.test_accessibility import serious
from issues.models import Action, ReplyTemplate, Report, ReportEvent, State


def after_photo():
    image = Image.new("RGB", (1600, 1200), (214, 232, 214))
    ImageDraw.Draw(image).rectangle([500, 300, 1000, 900], fill=(60, 140, 60))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return {"name": "after.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def sign_in(page, base, login):
    page.goto(base + "/admin/login/")
    page.fill("#id_username", login)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.press("#id_password", "Enter")


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def on_first_screen(page, locator):
    box = locator.bounding_box()
    viewport = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"] and box["x"] >= 0


def test_a_handler_resolves_a_report_with_a_photo_on_a_phone(browser, live_server, demo_district):
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url
    report = (
        Report.objects.filter(assignee__name="龙西社区", state=State.DISPATCHED, category__code="sanitation")
        .order_by("deadline")
        .first()
    )
    assert report is not None, "the demo district has a dispatched 环境卫生 report for 龙西社区"
    template = ReplyTemplate.objects.for_move(report.category, Action.RESOLVE).first()
    assert template.category_id == report.category_id  # the category's own note comes first

    phone = open_page(browser, live_server, PHONE)
    sign_in(phone, base, "longxi")

    # The list: the time left is in view without scrolling sideways.
    phone.goto(base + "/admin/issues/report/")
    phone.screenshot(path=str(ARTIFACTS / "handler-list-390.png"))
    assert no_sideways_scroll(phone)
    assert on_first_screen(phone, phone.locator("th.column-time_left"))
    row = phone.locator("tr", has=phone.get_by_role("link", name=report.reference, exact=True))
    assert on_first_screen(phone, row.locator("td.field-time_left"))

    phone.get_by_role("link", name=report.reference, exact=True).click()
    phone.wait_for_url(f"**/issues/report/{report.pk}/change/")
    phone.screenshot(path=str(ARTIFACTS / "handler-report-390.png"))
    phone.get_by_role("link", name="办结", exact=True).click()
    phone.wait_for_url(f"**/issues/report/{report.pk}/act/resolve/")
    phone.wait_for_load_state("networkidle")
    phone.screenshot(path=str(ARTIFACTS / "handler-resolve-390.png"))

    submit = phone.get_by_role("button", name="办结", exact=True)
    assert on_first_screen(phone, submit) and submit.bounding_box()["height"] >= 44
    assert no_sideways_scroll(phone)
    photo_input = phone.locator("input[name=photo]")
    assert photo_input.get_attribute("accept") == "image/*"
    assert photo_input.get_attribute("capture") is None  # the phone offers camera or gallery
    assert serious(phone) == []  # axe-core, with the templates turned into buttons
    # The report in brief, to be sure it is the right place.
    assert report.description in phone.locator(".bf-act-report").inner_text()

    # One tap puts the template into the field, where it is still edited.
    chip = phone.get_by_role("button", name=template.text, exact=True)
    assert chip.bounding_box()["height"] >= 44
    chip.click()
    note = phone.locator("textarea[name=note]")
    assert note.input_value() == template.text
    note.press("End")
    note.type("垃圾桶已换新。")
    typed = template.text + "垃圾桶已换新。"
    assert note.input_value() == typed

    # A file that is no picture is refused; the typed note stays.
    photo_input.set_input_files({"name": "after.jpg", "mimeType": "image/jpeg", "buffer": b"not a picture"})
    submit.click()
    phone.wait_for_load_state()
    assert phone.locator("ul.errorlist").count() == 1
    assert phone.locator("textarea[name=note]").input_value() == typed
    assert Report.objects.get(pk=report.pk).state == State.DISPATCHED
    phone.screenshot(path=str(ARTIFACTS / "handler-resolve-refused-390.png"))
    phone.problems.errors.clear()  # the refusal is a 400, on purpose

    phone.locator("input[name=photo]").set_input_files(after_photo())
    phone.locator(".bf-photo-preview").wait_for(state="visible")
    submit = phone.get_by_role("button", name="办结", exact=True)
    assert on_first_screen(phone, submit)  # still under the thumb with the preview shown
    assert no_sideways_scroll(phone)
    phone.screenshot(path=str(ARTIFACTS / "handler-resolve-photo-390.png"))
    submit.click()
    phone.wait_for_url(f"**/issues/report/{report.pk}/change/")
    phone.screenshot(path=str(ARTIFACTS / "handler-resolved-390.png"), full_page=True)

    report.refresh_from_db()
    assert report.state == State.RESOLVED and report.resolution_note == typed
    assert len(report.after_photos) == 1
    event = ReportEvent.objects.filter(report=report).latest("created_at", "id")
    assert (event.action, event.actor.username, event.note) == (Action.RESOLVE, "longxi", typed)
    assert phone.problems.errors == []
    phone.context.close()


def test_a_coordinator_fills_a_rejection_from_a_template_at_the_desk(browser, live_server, demo_district):
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url
    report = Report.objects.filter(state=State.SUBMITTED).order_by("created_at").first()
    first, second = ReplyTemplate.objects.for_move(report.category, Action.REJECT)[:2]
    desk = open_page(browser, live_server, DESK)
    sign_in(desk, base, "coordinator")
    desk.goto(f"{base}/admin/issues/report/{report.pk}/act/reject/")
    desk.wait_for_load_state("networkidle")
    note = desk.locator("textarea[name=note]")
    desk.get_by_role("button", name=first.text, exact=True).click()
    desk.get_by_role("button", name=second.text, exact=True).click()
    assert note.input_value() == second.text  # while the field holds only a template, a tap swaps it
    note.press("End")
    note.type("请知悉。")
    desk.get_by_role("button", name=first.text, exact=True).click()
    expected = f"{second.text}请知悉。\n{first.text}"
    assert note.input_value() == expected  # typed words are never overwritten: the template is added
    desk.screenshot(path=str(ARTIFACTS / "coordinator-reject-1280.png"))
    desk.select_option("select[name=reason]", "out_of_scope")
    desk.get_by_role("button", name="不予受理", exact=True).click()
    desk.wait_for_url(f"**/issues/report/{report.pk}/change/")
    report.refresh_from_db()
    assert report.state == State.REJECTED
    event = ReportEvent.objects.filter(report=report, action=Action.REJECT).get()
    assert event.note.replace("\r\n", "\n") == expected  # a browser sends a textarea's lines as CRLF
    assert desk.problems.errors == []
    desk.context.close()
