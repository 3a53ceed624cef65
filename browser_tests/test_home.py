from browser_tests.conftest import ARTIFACTS


def test_home_loads_on_a_phone_without_console_errors(phone_page, live_server):
    phone_page.goto(live_server.url + "/")
    assert phone_page.locator("html").get_attribute("lang") == "zh-Hans"
    assert phone_page.get_by_role("heading", level=1).inner_text().startswith("蜂巢")
    # Nothing wider than the phone: no sideways scrolling.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    ARTIFACTS.mkdir(exist_ok=True)
    phone_page.screenshot(path=str(ARTIFACTS / "home-390.png"), full_page=True)


def test_home_switches_to_english_in_the_browser(desk_page, live_server):
    desk_page.goto(live_server.url + "/")
    desk_page.get_by_role("link", name="English").click()
    desk_page.wait_for_load_state()
    assert desk_page.locator("html").get_attribute("lang") == "en"
    ARTIFACTS.mkdir(exist_ok=True)
    desk_page.screenshot(path=str(ARTIFACTS / "home-1280.png"), full_page=True)
