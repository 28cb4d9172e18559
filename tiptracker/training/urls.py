from django.urls import path

from tiptracker.training import (
    booking_views,
    briefing_views,
    course_views,
    outstanding_views,
    personal_views,
    session_views,
)

urlpatterns = [
    path(
        "coverage/outstanding/", outstanding_views.coverage_outstanding, name="coverage_outstanding"
    ),
    path("courses/", course_views.courses, name="courses"),
    path("courses/new/", course_views.course_new, name="course_new"),
    path("courses/<int:course_pk>/edit/", course_views.course_edit, name="course_edit"),
    path("sessions/", session_views.sessions, name="sessions"),
    path("sessions/new/", session_views.session_new, name="session_new"),
    path("sessions/<int:session_pk>/", session_views.session_detail, name="session_detail"),
    path("sessions/<int:session_pk>/booked/", session_views.session_booked, name="session_booked"),
    path("sessions/<int:session_pk>/edit/", session_views.session_edit, name="session_edit"),
    path("sessions/<int:session_pk>/cancel/", session_views.session_cancel, name="session_cancel"),
    path(
        "sessions/<int:session_pk>/attendance/",
        session_views.session_attendance,
        name="session_attendance",
    ),
    path("bookings/", booking_views.my_bookings, name="my_bookings"),
    path("bookings/<int:booking_pk>/cancel/", booking_views.booking_cancel, name="booking_cancel"),
    path("bookings/<int:booking_pk>/calendar.ics", booking_views.booking_ics, name="booking_ics"),
]

# Briefings for board and elected members: guests, invitations and replies.
urlpatterns += [
    path("guests/", briefing_views.guests, name="guests"),
    path("guests/new/", briefing_views.guest_new, name="guest_new"),
    path("guests/<int:guest_pk>/edit/", briefing_views.guest_edit, name="guest_edit"),
    path("guests/<int:guest_pk>/remove/", briefing_views.guest_remove, name="guest_remove"),
    path("briefings/", briefing_views.briefings_list, name="briefings"),
    path(
        "sessions/<int:session_pk>/invitations/",
        briefing_views.session_invitations,
        name="session_invitations",
    ),
    path(
        "invitations/<int:invitation_pk>/reply/",
        briefing_views.invitation_reply_record,
        name="invitation_reply_record",
    ),
]

# A member's own training, learning done elsewhere (claims), and reviewing claims.
urlpatterns += [
    path("courses/<int:course_pk>/", course_views.course_detail, name="course_detail"),
    path("my-training/", personal_views.my_training, name="my_training"),
    path("my-training/learning-elsewhere/", personal_views.claim_new, name="claim_new"),
    path("claims/", personal_views.claims_list, name="claims"),
    path("claims/<int:claim_pk>/", personal_views.claim_decide, name="claim_decide"),
    path("claims/<int:claim_pk>/evidence/", personal_views.claim_evidence, name="claim_evidence"),
]
