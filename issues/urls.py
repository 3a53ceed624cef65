from django.urls import path

from issues import plusone, views

app_name = "issues"

urlpatterns = [
    path("report/new/", views.report_new, name="report_new"),
    path("report/nearby/", views.nearby, name="nearby"),
    path("report/<int:pk>/done/", views.report_done, name="report_done"),
    path("report/<int:pk>/plusone/", plusone.plusone, name="plusone"),
    path("report/<int:pk>/plusone/done/", plusone.plusone_done, name="plusone_done"),
    path("me/reports/", views.my_reports, name="my_reports"),
    path("me/reports/<int:pk>/rate/", views.rate, name="rate"),
    path("board/", views.board, name="board"),
    path("board/<int:pk>/", views.board_detail, name="board_detail"),
    path("board/map/", views.board_map, name="board_map"),
    path("stats/", views.stats_page, name="stats"),
    path("stats/report/", views.stats_report, name="stats_report"),
    path("stats.<str:fmt>", views.stats_export, name="stats_export"),
    path("board.geojson", views.board_geojson, name="board_geojson"),
    path("campaigns/<int:pk>/", views.campaign_page, name="campaign"),
]
