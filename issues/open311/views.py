"""Open311 GeoReport v2 at /open311/v2/ (https://wiki.open311.org/GeoReport_v2).

XML (the spec's required format) and JSON, UTF-8. Errors are a list of {code, description}
with 400, 403 or 404. Status is only "open" or "closed"; our richer state goes into
status_notes, the deadline into expected_datetime, the handling organization into
agency_responsible.

What a GET shows: for a published report, its public fields (description, address,
position, the photo); for one not yet published, only its number, category, status,
times and the organization handling it — never a reporter's name, phone, e-mail or account.
"""

import datetime
import json
import logging
import uuid
import xml.etree.ElementTree as ET

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Max
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from beefeed import parsing, photos, ratelimit
from beefeed.geo import nearest
from beefeed.models import Organization
from issues import workflow
from issues.models import Category, Report, State
from issues.open311 import media
from issues.open311.models import ApiClient, ClientReport

logger = logging.getLogger(__name__)

MAX_DAYS = 90
MAX_RECORDS = 1000
CLOSED = {State.PUBLISHED, State.REJECTED, State.RESOLVED}
STATUS_NOTES = {
    State.SUBMITTED: "received, awaiting triage",
    State.DISPATCHED: "dispatched to the handling organization",
    State.IN_PROGRESS: "in progress",
    State.RESOLVED: "resolved, awaiting verification",
    State.RETURNED: "returned for re-dispatch",
    State.PUBLISHED: "resolved, verified and published",
    State.REJECTED: "not accepted",
}


CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def clean(value, limit=None):
    """A parameter without NUL and other control characters (the database and XML refuse them)."""
    text = (value or "").translate(CONTROL)
    return text[:limit] if limit else text


class ApiError(Exception):
    def __init__(self, status, code, description):
        super().__init__(description)
        self.status, self.code, self.description = status, code, description


# --- rendering -----------------------------------------------------------------------


def _text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return clean(str(value))


def _xml(root_name, item_name, items):
    root = ET.Element(root_name)
    for item in items:
        element = ET.SubElement(root, item_name)
        for key, value in item.items():
            if isinstance(value, list):
                holder = ET.SubElement(element, key)
                for entry in value:
                    child = ET.SubElement(holder, key.rstrip("s") or key)
                    for k, v in entry.items():
                        ET.SubElement(child, k).text = _text(v)
            else:
                ET.SubElement(element, key).text = _text(value)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root, encoding="utf-8")


def render(fmt, root_name, item_name, items, status=200):
    if fmt == "json":
        body = json.dumps(items, ensure_ascii=False).encode()
        return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")
    return HttpResponse(_xml(root_name, item_name, items), status=status, content_type="text/xml; charset=utf-8")


def error(fmt, status, code, description):
    return render(fmt, "errors", "error", [{"code": code, "description": description}], status=status)


def api(view):
    """Format check, jurisdiction check, ApiError → the spec's error list."""

    def wrapper(request, fmt, *args, **kwargs):
        fmt = fmt.lower()
        if fmt not in ("xml", "json"):
            return error("xml", 404, 404, "format must be xml or json")
        if request.method not in getattr(view, "methods", ("GET", "HEAD")):
            response = error(fmt, 405, 405, f"{request.method} is not allowed here")
            response["Allow"] = ", ".join(getattr(view, "methods", ("GET", "HEAD")))
            return response
        configured = settings.OPEN311_JURISDICTION
        asked = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
        if configured and asked and asked != configured:
            return error(fmt, 404, 404, f"unknown jurisdiction_id {asked[:50]!r}")
        try:
            return view(request, fmt, *args, **kwargs)
        except ApiError as problem:
            return error(fmt, problem.status, problem.code, problem.description)
        except (OperationalError, InterfaceError):
            # The database is down or restarting: a client parses the spec's error list, not a web page.
            logger.warning("Open311 %s answered 503: the database is unavailable", request.path)
            response = error(fmt, 503, 503, "the service is briefly unavailable; try again in a few seconds")
            response["Retry-After"] = "5"
            return response

    wrapper.__name__ = view.__name__
    return wrapper


def _iso(moment):
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


# --- services ---------------------------------------------------------------------------


def _service(category):
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.short_label,
        "metadata": False,
        "type": "realtime",
        "keywords": category.short_label,
        "group": "",
    }


@api
def services(request, fmt):
    return render(fmt, "services", "service", [_service(c) for c in Category.objects.order_by("position", "pk")])


@api
def service_definition(request, fmt, code):
    category = Category.objects.filter(code=clean(code, 50)).first()
    if category is None:
        raise ApiError(404, 404, f"no service with service_code {code[:50]!r}")
    definition = {"service_code": category.code, "attributes": []}
    if fmt == "json":
        return render(fmt, "", "", definition)
    root = ET.Element("service_definition")
    ET.SubElement(root, "service_code").text = category.code
    ET.SubElement(root, "attributes")
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root, encoding="utf-8")
    return HttpResponse(body, content_type="text/xml; charset=utf-8")


# --- reading requests ---------------------------------------------------------------------


def _request_fields(request, report):
    published = report.state == State.PUBLISHED
    updated = getattr(report, "last_event_at", None) or report.created_at  # the latest move of any kind
    # The public, moderated text and photo only (issues.moderation): a hidden photo is never named.
    shown = report.public_photos if published else []
    photo = shown[0] if shown else None
    return {
        "service_request_id": report.reference,
        "status": "closed" if report.state in CLOSED else "open",
        "status_notes": STATUS_NOTES.get(report.state, report.state),
        "service_name": report.category.name,
        "service_code": report.category.code,
        "description": report.public_text if published else "",
        "agency_responsible": report.assignee.name if report.assignee else "",
        "service_notice": "",
        "requested_datetime": _iso(report.created_at),
        "updated_datetime": _iso(updated),
        "expected_datetime": _iso(report.deadline),
        "address": report.address if published else "",
        "address_id": "",
        "zipcode": "",
        "lat": report.latitude if published else None,
        "long": report.longitude if published else None,
        "media_url": request.build_absolute_uri(photo.public_url) if photo else "",
    }


def _reports():
    return (
        Report.objects.select_related("category", "assignee")
        .prefetch_related("photos")
        .annotate(last_event_at=Max("events__created_at"))
    )


def _parse_date(value, name):
    try:
        # A "+08:00" in a query string arrives as " 08:00" when the client did not encode it.
        return parsing.parse_datetime(clean(value).replace(" ", "+") if value else None)
    except parsing.Unreadable:
        raise ApiError(400, 400, f"{name} must be a W3C date-time, e.g. 2026-11-01T00:00:00+08:00") from None


@csrf_exempt
def requests_endpoint(request, fmt):
    if request.method == "POST":
        return post_request(request, fmt)
    return list_requests(request, fmt)


@api
def list_requests(request, fmt):
    params = request.GET
    reports = _reports()
    ids = [i.strip() for i in clean(params.get("service_request_id", "")).split(",") if i.strip()]
    if ids:
        pks = [Report.pk_from_reference(i) for i in ids[:MAX_RECORDS]]
        reports = reports.filter(pk__in=[pk for pk in pks if pk])
    else:
        codes = [c.strip() for c in clean(params.get("service_code", "")).split(",") if c.strip()]
        if codes:
            reports = reports.filter(category__code__in=codes)
        now = timezone.now()
        start = _parse_date(params.get("start_date"), "start_date")
        end = _parse_date(params.get("end_date"), "end_date")
        if start and end and end < start:
            raise ApiError(400, 400, "end_date is before start_date")
        if start and end and end - start > datetime.timedelta(days=MAX_DAYS):
            raise ApiError(400, 400, f"start_date and end_date may span at most {MAX_DAYS} days")
        end = end or (start + datetime.timedelta(days=MAX_DAYS) if start else now)
        start = start or end - datetime.timedelta(days=MAX_DAYS)
        reports = reports.filter(created_at__gte=start, created_at__lte=end)
        statuses = {s.strip() for s in params.get("status", "").split(",") if s.strip()}
        if statuses - {"open", "closed"}:
            raise ApiError(400, 400, "status must be open or closed")
        if statuses == {"open"}:
            reports = reports.exclude(state__in=CLOSED)
        elif statuses == {"closed"}:
            reports = reports.filter(state__in=CLOSED)
    items = [_request_fields(request, r) for r in reports.order_by("-created_at")[:MAX_RECORDS]]
    return render(fmt, "service_requests", "request", items)


@api
def one_request(request, fmt, reference):
    pk = Report.pk_from_reference(reference)
    report = _reports().filter(pk=pk).first() if pk else None
    if report is None:
        raise ApiError(404, 404, f"no service request {reference[:50]!r}")
    return render(fmt, "service_requests", "request", [_request_fields(request, report)])


@api
def token(request, fmt, token):
    link = ClientReport.objects.select_related("report").filter(token=clean(token, 40)).first()
    if link is None:
        raise ApiError(404, 404, "unknown token")
    return render(
        fmt, "service_requests", "request", [{"service_request_id": link.report.reference, "token": link.token}]
    )


# --- submitting --------------------------------------------------------------------------


def _float(value, name, low, high):
    try:
        number = parsing.parse_float(value, low=low, high=high)
    except parsing.Unreadable:
        raise ApiError(400, 400, f"{name} must be a decimal number from {low} to {high}") from None
    if number is None:
        raise ApiError(400, 400, f"{name} must be a decimal number from {low} to {high}")
    return number


def _community(latitude, longitude):
    areas = Organization.objects.areas().order_by("name")
    if latitude is not None:
        found = nearest(areas, latitude, longitude)
        if found:
            return found
    default = settings.OPEN311_DEFAULT_COMMUNITY
    return areas.filter(name=default).first() or areas.first()


def _post_only(view):
    view.methods = ("POST",)
    return view


@api
@_post_only
def post_request(request, fmt):
    data = request.POST
    client = ApiClient.objects.by_key(clean(data.get("api_key")))
    if client is None:
        raise ApiError(403, 403, "api_key is missing or not valid")
    used = ratelimit.hit("open311-post", client.pk, window=3600)
    if used > client.posts_per_hour:
        return error(fmt, 429, 429, "too many requests for this api_key; try again within the hour")
    category = Category.objects.filter(code=clean(data.get("service_code"), 50)).first()
    if category is None:
        raise ApiError(400, 400, "service_code is missing or unknown")
    latitude = longitude = None
    if data.get("lat") or data.get("long"):
        latitude = _float(data.get("lat"), "lat", -90, 90)
        longitude = _float(data.get("long"), "long", -180, 180)
    address = clean(data.get("address_string") or data.get("address_id")).strip()[:200]
    if latitude is None and not address:
        raise ApiError(400, 400, "a location is required: lat and long, address_string or address_id")
    description = clean(data.get("description")).strip()
    if len(description) > 4000:
        raise ApiError(400, 400, "description may be at most 4000 characters")
    if not description:
        description = f"({category.name})"
    photo = None
    media_url = clean(data.get("media_url")).strip()
    if media_url:
        try:
            photo = photos.process_bytes(media.fetch(media_url, allowed_hosts=client.allowed_media_hosts))
        except (media.MediaRefused, photos.PhotoError) as problem:
            raise ApiError(400, 400, f"media_url refused: {problem}") from None
    with transaction.atomic():
        report = workflow.submit_client_report(
            client=client.name,
            category=category,
            description=description,
            community=_community(latitude, longitude),
            latitude=latitude,
            longitude=longitude,
            address=address,
            photos=[photo] if photo else [],
        )
        link = ClientReport.objects.create(
            report=report,
            client=client,
            token=uuid.uuid4().hex,
            account_id=clean(data.get("account_id"), 100),
            device_id=clean(data.get("device_id"), 100),
            email=clean(data.get("email"), 200),
            first_name=clean(data.get("first_name"), 100),
            last_name=clean(data.get("last_name"), 100),
            phone=clean(data.get("phone"), 40),
            media_url=media_url[:500],
        )
    answer = {"service_notice": "", "account_id": link.account_id}
    if client.deferred_ids:
        answer["token"] = link.token
    else:
        answer["service_request_id"] = report.reference
    response = render(fmt, "service_requests", "request", [answer], status=201)
    response["Location"] = request.build_absolute_uri(reverse("open311:request", args=[report.reference, fmt]))
    return response
