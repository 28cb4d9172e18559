from django.contrib import admin

from tiptracker.workforce.models import StaffMember, Team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "required_level", "partnership"]
    list_filter = ["partnership", "required_level"]
    search_fields = ["name"]


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    list_display = ["staff_id", "first_name", "last_name", "team", "partnership"]
    list_filter = ["partnership"]
    search_fields = ["staff_id", "last_name", "email"]
    raw_id_fields = ["team", "organisation"]
