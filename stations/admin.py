from django.contrib import admin

from stations.models import Station


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "address", "status"]
    list_filter = ["status", "community"]
    list_select_related = ["community"]
    search_fields = ["name", "address"]
