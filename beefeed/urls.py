import re

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.generic import TemplateView

from beefeed import privatemedia
from beefeed.views import SignInView, switch_language
from issues import views as issue_views

handler500 = "beefeed.views.server_error"


urlpatterns = [
    path("", issue_views.home, name="home"),
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("language/<str:code>/", switch_language, name="switch_language"),
    # Pages without our <link rel=icon> (the admin) make browsers ask for this.
    path("favicon.ico", lambda request: HttpResponsePermanentRedirect(static("img/favicon.svg")), name="favicon"),
    # What crawlers may index: the public pages, not the private ones (Lighthouse SEO checks it is valid).
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), name="robots"),
    path("admin/", admin.site.urls),
    # Report, rating and volunteers' photos: each request is checked (beefeed.privatemedia).
    path("photos/<path:name>", privatemedia.serve_checked, name="checked_media"),
    path("open311/v2/", include("issues.open311.urls")),
    path("", include("issues.urls")),
    path("", include("volunteers.urls")),
    path("", include("stations.urls")),
]

if settings.SERVE_MEDIA or settings.MEDIA_STORAGE == "s3":
    # The embedded run serves public media itself; production on disk leaves it to the proxy. In a
    # bucket that nobody may read unsigned, MEDIA_URL redirects to a signed URL (beefeed.s3media).
    # (django.conf.urls.static.static() would do nothing when DEBUG is off.)
    urlpatterns += [
        re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$", privatemedia.serve_public, name="media")
    ]
