from django.urls import path

from tiptracker.training import views

urlpatterns = [
    path("courses/", views.courses, name="courses"),
    path("courses/new/", views.course_new, name="course_new"),
    path("courses/<int:course_pk>/edit/", views.course_edit, name="course_edit"),
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/new/", views.session_new, name="session_new"),
    path("sessions/<int:session_pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:session_pk>/booked/", views.session_booked, name="session_booked"),
    path("sessions/<int:session_pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:session_pk>/cancel/", views.session_cancel, name="session_cancel"),
    path(
        "sessions/<int:session_pk>/attendance/", views.session_attendance, name="session_attendance"
    ),
    path("bookings/", views.my_bookings, name="my_bookings"),
    path("bookings/<int:booking_pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("bookings/<int:booking_pk>/calendar.ics", views.booking_ics, name="booking_ics"),
]

# Briefings for board and elected members: guests, invitations and replies.
urlpatterns += [
    path("guests/", views.guests, name="guests"),
    path("guests/new/", views.guest_new, name="guest_new"),
    path("guests/<int:guest_pk>/edit/", views.guest_edit, name="guest_edit"),
    path("guests/<int:guest_pk>/remove/", views.guest_remove, name="guest_remove"),
    path("briefings/", views.briefings_list, name="briefings"),
    path(
        "sessions/<int:session_pk>/invitations/",
        views.session_invitations,
        name="session_invitations",
    ),
    path(
        "invitations/<int:invitation_pk>/reply/",
        views.invitation_reply_record,
        name="invitation_reply_record",
    ),
]
