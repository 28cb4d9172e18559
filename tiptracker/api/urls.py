"""The API under /api/: everything about a partnership sits under its slug, so the scope of
every request is explicit in its path."""

from django.urls import include, path

from tiptracker.api import views

partnership_patterns = [
    path("organisations/", views.OrganisationListApi.as_view(), name="api_organisations"),
    path("teams/", views.TeamListApi.as_view(), name="api_teams"),
    path("staff/", views.StaffListApi.as_view(), name="api_staff"),
    path("staff/<int:pk>/", views.StaffDetailApi.as_view(), name="api_staff_detail"),
    path("courses/", views.CourseListApi.as_view(), name="api_courses"),
    path("courses/<int:pk>/", views.CourseDetailApi.as_view(), name="api_course_detail"),
    path("sessions/", views.SessionListApi.as_view(), name="api_sessions"),
    path("sessions/<int:pk>/", views.SessionDetailApi.as_view(), name="api_session_detail"),
    path("bookings/", views.BookingListCreateApi.as_view(), name="api_bookings"),
    path("bookings/<int:pk>/", views.BookingDetailApi.as_view(), name="api_booking_detail"),
    path("bookings/<int:pk>/cancel/", views.BookingCancelApi.as_view(), name="api_booking_cancel"),
    path("completions/", views.CompletionListRecordApi.as_view(), name="api_completions"),
    path("coverage/", views.CoverageApi.as_view(), name="api_coverage"),
]

urlpatterns = [
    path("partnerships/", views.PartnershipListApi.as_view(), name="api_partnerships"),
    path("partnerships/<slug:slug>/", include(partnership_patterns)),
]
