from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from tiptracker.partnerships.models import ManagedTeam, Membership, Organisation, Partnership
from tiptracker.partnerships.services import role_change_announce


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
    """A superuser can give anyone any role here, the lived-experience coordinator's
    included: such a change goes into the route's audit trail, where the coordinators see
    it (partnerships.services.role_change_announce)."""

    list_display = ["user", "partnership", "role"]
    list_filter = ["role", "partnership"]
    search_fields = ["user__email"]
    raw_id_fields = ["user", "staff"]

    def _by(self, request: HttpRequest) -> str:
        return f"{request.user.get_username()} in the admin site"

    def get_readonly_fields(self, request: HttpRequest, obj: Membership | None = None) -> Any:
        # A membership changes role here, never hands: moving a coordinator's membership to
        # another user or partnership would make a coordinator without any role change.
        return ["user", "partnership"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        with transaction.atomic():
            before = (
                Membership.objects.filter(pk=obj.pk).values_list("role", flat=True).first()
                if change
                else None
            )
            super().save_model(request, obj, form, change)
            role_change_announce(
                membership=obj, before=before, after=obj.role, by_name=self._by(request)
            )

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        with transaction.atomic():
            role_change_announce(
                membership=obj, before=obj.role, after=None, by_name=self._by(request)
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        with transaction.atomic():
            for membership in queryset.select_related("user"):
                role_change_announce(
                    membership=membership,
                    before=membership.role,
                    after=None,
                    by_name=self._by(request),
                )
            super().delete_queryset(request, queryset)


@admin.register(ManagedTeam)
class ManagedTeamAdmin(admin.ModelAdmin):
    list_display = ["membership", "team"]
    raw_id_fields = ["membership", "team"]
