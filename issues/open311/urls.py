from django.urls import re_path

from issues.open311 import views

app_name = "open311"

urlpatterns = [
    re_path(r"^services\.(?P<fmt>[A-Za-z]+)$", views.services, name="services"),
    re_path(r"^services/(?P<code>[^/]+?)\.(?P<fmt>[A-Za-z]+)$", views.service_definition, name="service"),
    re_path(r"^requests\.(?P<fmt>[A-Za-z]+)$", views.requests_endpoint, name="requests"),
    re_path(r"^requests/(?P<reference>[^/]+?)\.(?P<fmt>[A-Za-z]+)$", views.one_request, name="request"),
    re_path(r"^tokens/(?P<token>[^/]+?)\.(?P<fmt>[A-Za-z]+)$", views.token, name="token"),
]
