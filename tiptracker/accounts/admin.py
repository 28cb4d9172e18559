"""Authenticator devices in the admin site: listed, and removable (to reset a lost phone),
but never added or changed there. A device added by someone else would be a second factor
they know; the person sets up their own (accounts/second_factor.py). Removing a coordinator's
device is written into the lived-experience route's audit trail."""

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin as OtpTOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiptracker.accounts.announcements import second_factor_removed

admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(OtpTOTPDeviceAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _by(self, request: HttpRequest) -> str:
        return f"{request.user.get_username()} in the admin site"

    def delete_model(self, request: HttpRequest, obj: TOTPDevice) -> None:
        with transaction.atomic():
            second_factor_removed.send(sender=TOTPDevice, user=obj.user, by_name=self._by(request))
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[TOTPDevice]) -> None:
        with transaction.atomic():
            for device in queryset.select_related("user"):
                second_factor_removed.send(
                    sender=TOTPDevice, user=device.user, by_name=self._by(request)
                )
            super().delete_queryset(request, queryset)
