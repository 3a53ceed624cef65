"""Any query string on any public URL, and on the volunteer's pages signed in: never a 5xx.

The URLs come from the URLconf (through the permission matrix's list, so a new URL is covered
the day it is added); path ids are filled with the matrix's real objects. Keys are the names
the views read plus random ones; values are anything: digits of other scripts, huge numbers,
NaN, empty, control characters, raw percent-encoded bytes.
"""

from urllib.parse import quote_from_bytes, urlencode

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from issues.tests.test_permission_matrix import EXPECTED, site  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

# Every parameter a view, the API or Django itself reads from a query string.
KNOWN = [
    *["category", "community", "month", "page", "station", "lat", "lng", "amenity", "open", "item", "quarter"],
    *["service_request_id", "service_code", "start_date", "end_date", "status", "jurisdiction_id", "api_key"],
    *["next", "language", "format", "fmt", "q", "e", "o", "p", "id", "pk"],
]
ODD = [
    *["", "0", "-0", "-1", "+1", "00", "²", "١٢", "１２", "۱۲", "१२", "½", "Ⅻ", "𝟙", "1_000", " 1", "1 ", "0x10"],
    *["NaN", "nan", "inf", "-inf", "Infinity", "1e308", "1e-400", "1e999", "9" * 40, "9" * 400, "-" + "9" * 30],
    *["2026-02-30", "2026-13", "٢٠٢٦-٠١", "2026-11-01T00:00:00 08:00", "9999-12-31T23:59:59+14:00", "0000-00-00"],
    *["2026Q4", "2026Q9", "٢٠٢٦Q٤", "Q", "BF000001", "BF" + "9" * 30, "\x00", "\x00\x01", "%", "'; --", "<b>"],
    *["30.2745", "118.1322", "90.000001", "-180.5", "1,2", "open,closed", "json", "xml"],
]
# Pass str.isdigit() but not int(): the classic 500 (category=²).
DIGIT_LOOKALIKES = ["²", "³", "¹²", "①", "⑴", "⒈", "𝟚²", "᧚"]
VALUES = st.one_of(
    st.sampled_from(ODD),
    st.sampled_from(DIGIT_LOOKALIKES),
    st.text(max_size=20),
    st.text(alphabet=st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=8),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats().map(str),
)
KEYS = st.one_of(st.sampled_from(KNOWN), st.sampled_from(KNOWN), st.text(max_size=6))
QUERY = st.one_of(
    st.lists(st.tuples(KEYS, VALUES), max_size=8).map(urlencode),
    st.binary(max_size=40).map(lambda raw: "category=" + quote_from_bytes(raw)),  # not even UTF-8
    st.text(max_size=40).map(lambda raw: quote_from_bytes(raw.encode("utf-8", "surrogatepass"), safe="=&")),
)
# Always tried first (signed in, which reaches the volunteer pages' parsing too): each known name with "²",
# and the other classics.
EXAMPLES = [
    *(urlencode({key: "²"}) for key in KNOWN),
    "lat=30.2746&lng=118.1323&category=%C2%B2",  # the duplicate hint reads the category once it has a position
    *["lat=nan&lng=nan", "lat=inf&lng=-inf", "lat=%D9%A3%D9%A0&lng=118", "lat=1e1&lng=1e1"],
    *["month=%D9%A2%D9%A0%D9%A2%D9%A6-%D9%A0%D9%A1", "quarter=%D9%A2%D9%A0%D9%A2%D9%A6Q%D9%A4"],
    *["start_date=%D9%A2%D9%A0%D9%A2%D9%A6-01-01", "end_date=9999-12-31T23:59:59-14:00", "page=" + "9" * 30],
]
SKIPPED = {"logout"}  # a POST-only view; its GET is a plain 405 that reads nothing


@pytest.mark.parametrize("name", sorted(set(EXPECTED) - SKIPPED))
def test_no_query_string_makes_a_5xx(site, name, volunteer, settings):  # noqa: F811
    settings.NEARBY_LOOKUPS_PER_HOUR = settings.NEARBY_LOOKUPS_PER_IP_PER_HOUR = 10**9
    _users, args = site
    url = reverse(name, args=args.get(name, []))
    anonymous, courier = Client(), Client()
    courier.force_login(volunteer.user)

    @hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(query=QUERY, signed_in=st.booleans())
    def ask(query, signed_in):
        response = (courier if signed_in else anonymous).get(f"{url}?{query}")
        assert response.status_code < 500, (url, query, response.status_code)

    for query in EXAMPLES:
        ask = example(query=query, signed_in=True)(ask)
    ask()
