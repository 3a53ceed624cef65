from django.urls import re_path

from open311 import views

app_name = "open311"

urlpatterns = [
    re_path(r"^services\.(?P<fmt>[a-z]+)$", views.services, name="services"),
    re_path(r"^services/(?P<code>[-\w]+)\.(?P<fmt>[a-z]+)$", views.service_definition, name="service"),
    re_path(r"^requests\.(?P<fmt>[a-z]+)$", views.requests_endpoint, name="requests"),
    re_path(r"^requests/(?P<reference>[-\w]+)\.(?P<fmt>[a-z]+)$", views.one_request, name="request"),
    re_path(r"^tokens/(?P<token>[-\w]+)\.(?P<fmt>[a-z]+)$", views.token, name="token"),
]
