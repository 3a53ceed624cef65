from django.urls import path

from volunteers import views

app_name = "volunteers"

urlpatterns = [
    path("volunteers/join/", views.join, name="join"),
    path("volunteers/joined/", views.joined, name="joined"),
    path("me/", views.me, name="me"),
    path("me/claims/", views.claims, name="claims"),
    path("me/sms/", views.sms_choices, name="sms"),
    path("me/party/", views.party_badge, name="party"),
    path("me/redeem/", views.redeem, name="redeem"),
    path("me/card/", views.my_card, name="card"),
    path("me/data/", views.my_data, name="my_data"),
    path("me/data.<str:fmt>", views.my_data_download, name="my_data_download"),
    path("cards/<slug:token>/", views.card_check, name="card_check"),
    path("points/", views.points_board, name="points"),
    path("points/<slug:quarter>/<int:community>/sheet/", views.points_sheet, name="points_sheet"),
]
