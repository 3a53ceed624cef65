from django.shortcuts import render


def home(request):
    return render(request, "beefeed/home.html")
