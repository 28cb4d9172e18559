from django.urls import path

from tiptracker.network import views

urlpatterns = [
    path("", views.network, name="network"),
    path("coverage/", views.network_coverage, name="network_coverage"),
    path("new/", views.network_member_new, name="network_member_new"),
    path("<int:network_member_pk>/", views.network_member_detail, name="network_member_detail"),
    path("<int:network_member_pk>/edit/", views.network_member_edit, name="network_member_edit"),
]
