from django.conf import settings


def district(request):
    return {"district_name": settings.BEEFEED_DISTRICT}
