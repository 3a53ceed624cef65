"""The product's URLs plus /_bench/bare/ and /_bench/reference/ (bench_settings only)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from beefeed.urls import handler500  # noqa: F401
from beefeed.urls import urlpatterns as product_urls
from issues.models import Report


def bare(request):
    """The yardstick: what the project's full middleware costs around a view that does nothing."""
    return HttpResponse("ok", content_type="text/plain")


def reference(request):
    """The yardstick: select 20 rows and render them, with nothing else beyond the default middleware."""
    rows = Report.objects.order_by("-id").values("id", "description", "created_at")[:20]
    return render(request, "reference.html", {"rows": rows})


urlpatterns = [path("_bench/bare/", bare), path("_bench/reference/", reference), *product_urls]
