"""The pages work with the keyboard alone: a courier joins without touching the mouse."""

import pytest
from playwright.sync_api import expect

from beefeed.models import Organization
from browser_tests.conftest import DESK, open_page
from volunteers.models import Volunteer


@pytest.fixture
def community(transactional_db):
    return Organization.objects.create(name="龙西社区", kind="community")


def focused(page):
    return page.evaluate("document.activeElement && (document.activeElement.name || document.activeElement.id)")


def tab_to(page, name, limit=40):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page) == name:
            return
    raise AssertionError(f"{name} cannot be reached with Tab")


def test_joining_with_the_keyboard_alone(browser, live_server, community):
    page = open_page(browser, live_server, DESK)
    page.goto(live_server.url + "/volunteers/join/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"  # "skip to content" comes first
    tab_to(page, "name")
    page.keyboard.type("叶小蜂")
    tab_to(page, "phone")
    page.keyboard.type("13912345678")
    tab_to(page, "password")
    page.keyboard.type("honey-bee-2026")
    tab_to(page, "work_type")
    page.keyboard.press("ArrowRight")  # from 快递员 to the next choice
    tab_to(page, "community")
    page.keyboard.press("ArrowDown")
    tab_to(page, "consent")
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/volunteers/joined/")
    # The password field has the focus (Chromium applies autofocus after the page has loaded, at
    # the next frame); the number is filled in.
    expect(page.locator("#id_password")).to_be_focused()
    expect(page.locator("#id_username")).to_have_value("13912345678")
    page.keyboard.type("honey-bee-2026")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/me/")
    volunteer = Volunteer.objects.get()
    assert (volunteer.name, volunteer.work_type, volunteer.community) == ("叶小蜂", "food", community)
    assert page.problems.errors == []
    page.context.close()
