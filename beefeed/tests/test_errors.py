"""Error pages: what a courier or a resident sees when something is missing or broken."""

import json

import pytest
from defusedxml import ElementTree
from django.db import connection
from django.test import Client, RequestFactory

from beefeed.views import server_error


def test_an_unknown_address_gets_a_chinese_page_with_a_way_home(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page
    assert 'href="/"' in page and 'href="/board/"' in page


def test_a_crash_gets_a_plain_chinese_page_without_details(db):
    try:
        {}["missing"]
    except KeyError:
        response = server_error(RequestFactory().get("/board/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "出错了" in page and "KeyError" not in page and "Traceback" not in page
    assert "Retry-After" not in response


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_while_the_database_is_down_pages_answer_503_and_come_back(monkeypatch, settings):
    """A PostgreSQL restart: a page the cache can answer (the board just seen) stays up; the others get
    a clean "back in a moment" page with Retry-After, never a stack trace; once it is back, all serve."""
    if connection.vendor != "postgresql":
        pytest.skip("a refused PostgreSQL connection is tested on PostgreSQL (DATABASE_URL)")
    public = Client(raise_request_exception=False)
    assert public.get("/board/").status_code == 200

    connection.close()
    monkeypatch.setitem(connection.settings_dict, "PORT", "1")  # nothing listens there: refused
    assert public.get("/board/").status_code == 200
    for path in ("/board/?page=2", "/", "/stations/", "/points/"):
        response = public.get(path)
        assert response.status_code == 503, path
        page = response.content.decode()
        assert "马上回来" in page and "没有保存" in page and "Traceback" not in page and "psycopg" not in page
        assert response["Retry-After"] == "5"
    # An Open311 client gets the API's own error list, in the format it asked for.
    as_json = public.get("/open311/v2/requests.json")
    assert (as_json.status_code, as_json["Content-Type"], as_json["Retry-After"]) == (
        503,
        "application/json; charset=utf-8",
        "5",
    )
    assert [e["code"] for e in json.loads(as_json.content)] == [503]
    as_xml = public.get("/open311/v2/requests.xml", {"service_code": "x"})
    assert (as_xml.status_code, as_xml["Retry-After"]) == (503, "5")
    root = ElementTree.fromstring(as_xml.content)
    assert root.tag == "errors" and root.find("error/code").text == "503"
    assert "Traceback" not in as_xml.content.decode() and "psycopg" not in as_json.content.decode()

    connection.close()
    monkeypatch.undo()
    assert public.get("/").status_code == 200 and public.get("/stations/").status_code == 200
