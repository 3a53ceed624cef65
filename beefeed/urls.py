from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from issues import views as issue_views

admin.site.site_header = "蜂巢 BeeFeed"
admin.site.site_title = "蜂巢 BeeFeed"

urlpatterns = [
    path("", issue_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="beefeed/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("issues.urls")),
    path("", include("volunteers.urls")),
    path("", include("stations.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
