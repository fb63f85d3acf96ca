from django.contrib import admin

from roadmap.models import Challenge, Cluster, FocusArea, Goal, PartnershipPeriod, Sector


@admin.register(FocusArea)
class FocusAreaAdmin(admin.ModelAdmin[FocusArea]):
    list_display = ("name_sv", "name_en", "code", "order")
    search_fields = ("name_sv", "name_en", "code")


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin[Challenge]):
    list_display = ("number", "name_sv", "name_en", "focus_area")
    list_filter = ("focus_area",)
    list_select_related = ("focus_area",)
    search_fields = ("name_sv", "name_en")


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin[Sector]):
    list_display = ("name_sv", "name_en")
    search_fields = ("name_sv", "name_en")


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin[Cluster]):
    list_display = ("name_sv", "name_en", "code")
    filter_horizontal = ("challenges",)
    search_fields = ("name_sv", "name_en")


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin[Goal]):
    list_display = ("name_sv", "name_en", "kind", "code", "order")
    list_filter = ("kind",)
    search_fields = ("name_sv", "name_en")


@admin.register(PartnershipPeriod)
class PartnershipPeriodAdmin(admin.ModelAdmin[PartnershipPeriod]):
    list_display = (
        "name",
        "start_year",
        "end_year",
        "base_year",
        "annual_reduction_rate",
        "is_open",
    )
    list_filter = ("is_open",)
    search_fields = ("name",)
