"""Photos in a bucket (MEDIA_STORAGE=s3) reach Chromium: the reporter's own unpublished photo and a
published report's photos on the board, through the checked address's redirect into the bucket of
the loopback S3 server (moto's server mode), allowed by the page's Content-Security-Policy."""

import pytest

from browser_tests.conftest import PHONE, open_page, wait_until
from browser_tests.test_public_journey import published  # noqa: F401 (a fixture)
from browser_tests.test_report_loop import sign_in

pytestmark = pytest.mark.s3

LOADED = """(part) => {
    const images = [...document.images].filter((image) => image.getAttribute("src").includes(part));
    return images.length > 0 && images.every((image) => image.complete && image.naturalWidth > 0);
}"""


@pytest.fixture
def bucket_pictures(s3_media, settings):
    """What MEDIA_ORIGINS adds to the policy when the bucket is configured (beefeed.settings)."""
    policy = settings.CONTENT_SECURITY_POLICY
    directives = {**policy["DIRECTIVES"], "img-src": [*policy["DIRECTIVES"]["img-src"], s3_media.endpoint]}
    settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}
    return s3_media


def test_a_published_reports_photos_and_the_reporters_own_show_from_the_bucket(
    browser,
    live_server,
    bucket_pictures,
    published,  # noqa: F811
):
    from beefeed.models import User
    from issues import workflow
    from issues.models import Report

    page = open_page(browser, live_server, PHONE)
    page.goto(f"{live_server.url}/board/{published.pk}/")
    wait_until(page, LOADED, "/photos/reports/")
    assert {p.image.name for p in published.photos.all()} <= set(bucket_pictures.keys())
    assert page.problems.errors == []

    # Reopened, the report's photos are private again, and still shown to the reporter on their own page.
    coordinator = User.objects.get(username="coord")
    workflow.reopen(Report.objects.get(pk=published.pk), by=coordinator, reason="又坏了", notify=False)
    reporter = open_page(browser, live_server, PHONE)
    sign_in(reporter, live_server.url, "13912345678")
    reporter.goto(f"{live_server.url}/me/reports/")
    wait_until(reporter, LOADED, "/photos/reports/")
    assert reporter.problems.errors == []
