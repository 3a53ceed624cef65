"""The `georeport` package (a real GeoReport v2 client) against our live server, in both formats."""

import pytest
import requests
from georeport.georeport import GeoReport

from issues.models import Category
from issues.open311.models import ApiClient

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server(live_server, community_a):
    Category.objects.create(name="环境卫生", code="sanitation", short_label="环境", time_limit=48)
    Category.objects.create(name="管网破损", code="pipes", short_label="管网", time_limit=24)
    key = ApiClient.issue("第三方客户端")[1]
    # POST as a third-party client would: a plain form-encoded request.
    answer = requests.post(
        f"{live_server.url}/open311/v2/requests.json",
        data={"api_key": key, "service_code": "pipes", "lat": "30.2745", "long": "118.1322", "description": "井盖破了"},
        timeout=10,
    )
    assert answer.status_code == 201
    return live_server.url + "/open311/v2", answer.json()[0]["service_request_id"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_georeport_client_lists_defines_and_reads(server, fmt):
    root, reference = server
    api = GeoReport(root, output_format=fmt)
    services = api.get_service_list()
    assert {s["service_code"] for s in services} == {"sanitation", "pipes"}
    assert api.get_service_definition("pipes")["service_code"] == "pipes"
    listed = api.get_service_requests()
    if fmt == "xml":  # xmltodict gives a single <request> as a dict, not a list of one
        listed = [listed]
    assert isinstance(listed, list) and [r["service_request_id"] for r in listed] == [reference]
    one = api.get_service_request(reference)
    assert one["service_request_id"] == reference and one["status"] == "open"
