from django.urls import path

from stations import views

app_name = "stations"

urlpatterns = [
    path("stations/", views.station_map, name="map"),
    path("stations.geojson", views.geojson, name="geojson"),
    path("stations/<int:pk>/", views.detail, name="detail"),
    path("stations/<int:pk>/pledge/", views.pledge, name="pledge"),
    path("stations/<int:pk>/poster/", views.poster, name="poster"),
    path("stations/<int:pk>/checkin/", views.checkin, name="checkin"),
]
