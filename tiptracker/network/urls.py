from django.urls import path

from tiptracker.network import coaching_views, views

GROUP = "coaching/<int:coaching_group_pk>/"

urlpatterns = [
    path("", views.network, name="network"),
    path("coverage/", views.network_coverage, name="network_coverage"),
    path("new/", views.network_member_new, name="network_member_new"),
    path("<int:network_member_pk>/", views.network_member_detail, name="network_member_detail"),
    path("<int:network_member_pk>/edit/", views.network_member_edit, name="network_member_edit"),
    # Coaching, mentoring and peer networks
    path("coaching/", coaching_views.coaching_group_list, name="coaching_groups"),
    path("coaching/new/", coaching_views.coaching_group_new, name="coaching_group_new"),
    path(GROUP, coaching_views.coaching_group_detail, name="coaching_group_detail"),
    path(f"{GROUP}edit/", coaching_views.coaching_group_edit, name="coaching_group_edit"),
    path(f"{GROUP}end/", coaching_views.coaching_group_end, name="coaching_group_end"),
    path(f"{GROUP}people/add/", coaching_views.coaching_person_add, name="coaching_person_add"),
    path(
        f"{GROUP}people/<int:coaching_person_pk>/remove/",
        coaching_views.coaching_person_remove,
        name="coaching_person_remove",
    ),
    path(f"{GROUP}meetings/new/", coaching_views.coaching_meeting_new, name="coaching_meeting_new"),
    path(
        f"{GROUP}meetings/<int:coaching_meeting_pk>/edit/",
        coaching_views.coaching_meeting_edit,
        name="coaching_meeting_edit",
    ),
    path(
        f"{GROUP}meetings/<int:coaching_meeting_pk>/delete/",
        coaching_views.coaching_meeting_delete,
        name="coaching_meeting_delete",
    ),
]
