"""The API under /api/: everything about a partnership sits under its slug, so the scope of
every request is explicit in its path."""

from django.urls import include, path

from tiptracker.api import (
    briefings,
    engagement,
    feedback,
    funding,
    impact,
    improvement,
    improvement_cycles,
    improvement_measures,
    indicators,
    lived,
    lived_records,
    network,
    plan,
    report_consultations,
    report_sections,
    reports,
    resources,
    surveys,
    views,
)

partnership_patterns = [
    path(
        "indicators/comparison/",
        indicators.IndicatorComparisonApi.as_view(),
        name="api_indicator_comparison",
    ),
    # The improvement programme (issue 17).
    path(
        "improvement/projects/",
        improvement.ProjectListCreateApi.as_view(),
        name="api_improvement_projects",
    ),
    path(
        "improvement/projects/<int:pk>/",
        improvement.ProjectDetailApi.as_view(),
        name="api_improvement_project",
    ),
    path(
        "improvement/projects/<int:pk>/drivers/",
        improvement.DriverListCreateApi.as_view(),
        name="api_improvement_drivers",
    ),
    path(
        "improvement/drivers/<int:pk>/",
        improvement.DriverDetailApi.as_view(),
        name="api_improvement_driver",
    ),
    path(
        "improvement/projects/<int:pk>/ideas/",
        improvement.IdeaListCreateApi.as_view(),
        name="api_improvement_ideas",
    ),
    path(
        "improvement/ideas/<int:pk>/",
        improvement.IdeaDetailApi.as_view(),
        name="api_improvement_idea",
    ),
    path(
        "improvement/ideas/<int:pk>/cycles/",
        improvement_cycles.CycleListCreateApi.as_view(),
        name="api_improvement_cycles",
    ),
    path(
        "improvement/cycles/<int:pk>/",
        improvement_cycles.CycleDetailApi.as_view(),
        name="api_improvement_cycle",
    ),
    path(
        "improvement/projects/<int:pk>/measures/",
        improvement_measures.MeasureListCreateApi.as_view(),
        name="api_improvement_measures",
    ),
    path(
        "improvement/measures/<int:pk>/",
        improvement_measures.MeasureDetailApi.as_view(),
        name="api_improvement_measure",
    ),
    path(
        "improvement/measures/<int:pk>/values/",
        improvement_measures.ValueListRecordApi.as_view(),
        name="api_improvement_values",
    ),
    path(
        "improvement/values/<int:pk>/",
        improvement_measures.ValueDetailApi.as_view(),
        name="api_improvement_value",
    ),
    path(
        "improvement/measures/<int:pk>/chart/",
        improvement_measures.MeasureChartApi.as_view(),
        name="api_improvement_chart",
    ),
    path("organisations/", views.OrganisationListApi.as_view(), name="api_organisations"),
    path("teams/", views.TeamListApi.as_view(), name="api_teams"),
    path("staff/", views.StaffListApi.as_view(), name="api_staff"),
    path("staff/<int:pk>/", views.StaffDetailApi.as_view(), name="api_staff_detail"),
    path("courses/", views.CourseListApi.as_view(), name="api_courses"),
    path("courses/<int:pk>/", views.CourseDetailApi.as_view(), name="api_course_detail"),
    path("sessions/", views.SessionListApi.as_view(), name="api_sessions"),
    path("sessions/<int:pk>/", views.SessionDetailApi.as_view(), name="api_session_detail"),
    path(
        "sessions/<int:pk>/bookings/",
        views.SessionBookingsApi.as_view(),
        name="api_session_bookings",
    ),
    path("bookings/", views.BookingListCreateApi.as_view(), name="api_bookings"),
    path("bookings/<int:pk>/", views.BookingDetailApi.as_view(), name="api_booking_detail"),
    path("bookings/<int:pk>/cancel/", views.BookingCancelApi.as_view(), name="api_booking_cancel"),
    path("completions/", views.CompletionListRecordApi.as_view(), name="api_completions"),
    path("coverage/", views.CoverageApi.as_view(), name="api_coverage"),
    path("feedback/results/", feedback.FeedbackResultsApi.as_view(), name="api_feedback_results"),
    path("feedback/impact/", impact.FeedbackImpactApi.as_view(), name="api_feedback_impact"),
    path("feedback/surveys/", surveys.SurveyListCreateApi.as_view(), name="api_surveys"),
    path("feedback/surveys/<int:pk>/", surveys.SurveyDetailApi.as_view(), name="api_survey"),
    path(
        "feedback/surveys/<int:pk>/close/",
        surveys.SurveyCloseApi.as_view(),
        name="api_survey_close",
    ),
    path(
        "feedback/surveys/<int:pk>/reopen/",
        surveys.SurveyReopenApi.as_view(),
        name="api_survey_reopen",
    ),
    path(
        "feedback/answers/", feedback.AttributableAnswersApi.as_view(), name="api_feedback_answers"
    ),
    path("plan/phases/", plan.PhaseListCreateApi.as_view(), name="api_plan_phases"),
    path("plan/phases/<int:pk>/", plan.PhaseDetailApi.as_view(), name="api_plan_phase_detail"),
    path("plan/priorities/", plan.PriorityListCreateApi.as_view(), name="api_plan_priorities"),
    path(
        "plan/priorities/<int:pk>/",
        plan.PriorityDetailApi.as_view(),
        name="api_plan_priority_detail",
    ),
    path("plan/actions/", plan.ActionListCreateApi.as_view(), name="api_plan_actions"),
    path("plan/actions/<int:pk>/", plan.ActionDetailApi.as_view(), name="api_plan_action_detail"),
    path(
        "plan/actions/<int:pk>/updates/",
        plan.ProgressUpdateListCreateApi.as_view(),
        name="api_plan_action_updates",
    ),
    path("plan/history/", plan.PlanHistoryApi.as_view(), name="api_plan_history"),
    path("guests/", briefings.GuestListCreateApi.as_view(), name="api_guests"),
    path("guests/<int:pk>/", briefings.GuestDetailApi.as_view(), name="api_guest_detail"),
    path(
        "sessions/<int:pk>/invitations/",
        briefings.SessionInvitationListCreateApi.as_view(),
        name="api_session_invitations",
    ),
    path(
        "invitations/<int:pk>/reply/",
        briefings.InvitationReplyApi.as_view(),
        name="api_invitation_reply",
    ),
    path("resources/", resources.ResourceListCreateApi.as_view(), name="api_resources"),
    path("resources/<int:pk>/", resources.ResourceDetailApi.as_view(), name="api_resource_detail"),
    path(
        "network/members/", network.NetworkMemberListCreateApi.as_view(), name="api_network_members"
    ),
    path(
        "network/members/<int:pk>/",
        network.NetworkMemberDetailApi.as_view(),
        name="api_network_member_detail",
    ),
    path(
        "network/activities/",
        network.NetworkActivityListRecordApi.as_view(),
        name="api_network_activities",
    ),
    path(
        "network/activities/<int:pk>/",
        network.NetworkActivityDetailApi.as_view(),
        name="api_network_activity_detail",
    ),
    path("network/summary/", network.NetworkSummaryApi.as_view(), name="api_network_summary"),
    path(
        "funding/allocations/",
        funding.AllocationListCreateApi.as_view(),
        name="api_funding_allocations",
    ),
    path(
        "funding/allocations/<int:pk>/",
        funding.AllocationDetailApi.as_view(),
        name="api_funding_allocation_detail",
    ),
    path(
        "funding/commitments/",
        funding.CommitmentListCreateApi.as_view(),
        name="api_funding_commitments",
    ),
    path(
        "funding/commitments/<int:pk>/",
        funding.CommitmentDetailApi.as_view(),
        name="api_funding_commitment_detail",
    ),
    path("funding/summary/", funding.FundingSummaryApi.as_view(), name="api_funding_summary"),
    path("engagements/", engagement.EngagementListCreateApi.as_view(), name="api_engagements"),
    path(
        "engagements/<int:pk>/",
        engagement.EngagementDetailApi.as_view(),
        name="api_engagement_detail",
    ),
    path("lived/records/", lived_records.RecordListCreateApi.as_view(), name="api_lived_records"),
    path(
        "lived/records/<int:pk>/", lived_records.RecordDetailApi.as_view(), name="api_lived_record"
    ),
    path(
        "lived/records/<int:pk>/transitions/",
        lived_records.RecordTransitionApi.as_view(),
        name="api_lived_record_transitions",
    ),
    path(
        "lived/records/<int:pk>/consents/",
        lived_records.RecordConsentApi.as_view(),
        name="api_lived_record_consents",
    ),
    path(
        "lived/records/<int:pk>/involvements/",
        lived_records.RecordInvolvementApi.as_view(),
        name="api_lived_record_involvements",
    ),
    path(
        "lived/records/<int:pk>/export/",
        lived_records.RecordExportApi.as_view(),
        name="api_lived_record_export",
    ),
    path(
        "lived/consent-texts/",
        lived.ConsentTextListPublishApi.as_view(),
        name="api_lived_consent_texts",
    ),
    path("lived/audit/", lived.AuditTrailApi.as_view(), name="api_lived_audit"),
    path("lived/counts/", lived.StageCountsApi.as_view(), name="api_lived_counts"),
    path("reports/", reports.ReportListCreateApi.as_view(), name="api_reports"),
    path("reports/<int:pk>/", reports.ReportDetailApi.as_view(), name="api_report"),
    path(
        "reports/<int:pk>/refresh/",
        reports.ReportRefreshApi.as_view(),
        name="api_report_refresh",
    ),
    path(
        "reports/<int:pk>/transitions/",
        reports.ReportTransitionApi.as_view(),
        name="api_report_transition",
    ),
    path(
        "reports/<int:pk>/consultations/",
        report_consultations.ConsultationListCreateApi.as_view(),
        name="api_report_consultations",
    ),
    path(
        "reports/<int:pk>/consultations/<int:consultation_pk>/",
        report_consultations.ConsultationDetailApi.as_view(),
        name="api_report_consultation",
    ),
    path(
        "reports/<int:pk>/sections/<str:number>/",
        report_sections.SectionApi.as_view(),
        name="api_report_section",
    ),
    path(
        "reports/<int:pk>/download/",
        reports.ReportDownloadApi.as_view(),
        name="api_report_download",
    ),
]

urlpatterns = [
    path("partnerships/", views.PartnershipListApi.as_view(), name="api_partnerships"),
    path("partnerships/<slug:slug>/", include(partnership_patterns)),
]
