from django.contrib import admin

from tiptracker.partnerships.models import ManagedTeam, Membership, Organisation, Partnership


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "created_at"]
    search_fields = ["slug", "name"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "partnership"]
    list_filter = ["kind", "partnership"]
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "partnership", "role"]
    list_filter = ["role", "partnership"]
    search_fields = ["user__email"]
    raw_id_fields = ["user", "staff"]


@admin.register(ManagedTeam)
class ManagedTeamAdmin(admin.ModelAdmin):
    list_display = ["membership", "team"]
    raw_id_fields = ["membership", "team"]
