"""Every URL and API operation, checked for every kind of caller against an explicit policy.

For each URL pattern the table below says what each role in the partnership gets: OK (the
page works), FORBIDDEN (403), or NOT_FOUND (404, for objects outside what that role may
see). Whatever the table says, someone not logged in is sent to log in (401 for the
API), and every role of *another* partnership gets 404, so nothing leaks. A URL pattern
with no entry fails the test: a new page cannot ship without a policy.
"""

import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from rest_framework.views import APIView

from tiptracker.accounts.tests.helpers import signed_in
from tiptracker.lived.tests.unlock import unlock
from tiptracker.partnerships.models import Role

OK, FORBIDDEN, NOT_FOUND = "ok", "forbidden", "not found"
ALL = {role: OK for role in Role}


def only(*roles: str, otherwise: str = FORBIDDEN) -> dict[str, str]:
    return {role: OK if role in roles else otherwise for role in Role}


TRAINING_ADMINS = only(Role.ADMIN, Role.LD_OFFICER)
PEOPLE = only(Role.ADMIN, Role.LD_OFFICER, Role.MANAGER)
COVERAGE = only(Role.ADMIN, Role.LD_OFFICER, Role.MANAGER, Role.BOARD)
# A booking belongs to the staff persona, in the manager's team: other roles cannot see it.
OWN_BOOKING = only(Role.ADMIN, Role.LD_OFFICER, Role.MANAGER, Role.STAFF, otherwise=NOT_FOUND)
# A claim of learning done elsewhere, and its evidence, belong to the staff persona: only
# they and those who decide claims see it (not their manager).
OWN_CLAIM = only(Role.ADMIN, Role.LD_OFFICER, Role.STAFF, otherwise=NOT_FOUND)

# The plan: every member reads it; administrators edit it; an action's owner (the staff
# persona in the world) updates their own action.
WORKSPACE_EDIT = only(Role.ADMIN)
# The lived-experience route: its coordinators only; for everyone else, administrators
# included, it does not exist. (The coordinator's workspace is opened for them below, as
# after their password and second factor; test_unlock.py tests the opening itself.)
COORDINATORS = only(Role.LE_COORDINATOR, otherwise=NOT_FOUND)
REPORT_READ = only(Role.ADMIN, Role.LD_OFFICER, Role.BOARD)
REPORT_EDIT = only(Role.ADMIN, Role.LD_OFFICER)
ACTION_OWNER = only(Role.ADMIN, Role.STAFF)
PROJECT_TEAM = only(Role.ADMIN, Role.LD_OFFICER, Role.STAFF)
# The installation administrator's pages: for installation administrators (Django's superuser
# flag), who hold no partnership role for it; every partnership role finds nothing there.
# test_installation_pages_open_to_installation_administrators_only lets one in.
INSTALLATION_ADMINS = only(otherwise=NOT_FOUND)

# url name -> {method: policy}. Pages outside a partnership need only a login. POSTs are sent
# empty: an allowed caller gets a validation message or a redirect, never a 403 or 404.
LOGIN_ONLY = "login only"
PUBLIC = "public"
GET, POST, PATCH, PUT, DELETE = "GET", "POST", "PATCH", "PUT", "DELETE"
POLICY: dict[str, dict[str, object]] = {
    "login": {GET: PUBLIC},
    "health": {GET: PUBLIC},
    "healthz": {GET: PUBLIC},
    "readyz": {GET: PUBLIC},
    # Signing in through an organisation's identity provider (without a sign-in under way,
    # both lead back to the sign-in page).
    "sso_start": {GET: PUBLIC},
    "sso_callback": {GET: PUBLIC},
    "sso_providers": {GET: INSTALLATION_ADMINS},
    "sso_provider_new": {GET: INSTALLATION_ADMINS, POST: INSTALLATION_ADMINS},
    "sso_provider_edit": {GET: INSTALLATION_ADMINS, POST: INSTALLATION_ADMINS},
    "sso_provider_remove": {GET: INSTALLATION_ADMINS, POST: INSTALLATION_ADMINS},
    "home": {GET: LOGIN_ONLY},
    "logout": {POST: LOGIN_ONLY},
    "account": {GET: LOGIN_ONLY, POST: LOGIN_ONLY},
    "token_revoke": {POST: LOGIN_ONLY},
    "api_schema": {GET: LOGIN_ONLY},
    "api_docs": {GET: LOGIN_ONLY},
    # Coverage and the workforce
    "dashboard": {GET: COVERAGE},
    "needs": {GET: COVERAGE, POST: TRAINING_ADMINS},
    "staff_list": {GET: PEOPLE},
    "staff_detail": {GET: PEOPLE, POST: TRAINING_ADMINS},
    "coverage_outstanding": {GET: PEOPLE},
    # The administration page links to imports, surveys, members ... as the role may use them.
    "administration": {GET: TRAINING_ADMINS},
    "members": {GET: only(Role.ADMIN), POST: only(Role.ADMIN)},
    "member_role": {POST: only(Role.ADMIN)},
    "organisations": {GET: only(Role.ADMIN), POST: only(Role.ADMIN)},
    "member_remove": {POST: only(Role.ADMIN)},
    # Invitations: administrators invite, resend and revoke; the link's page needs no login.
    # The first allowed caller revokes the world's invitation; the next is told so.
    "member_invitations": {GET: only(Role.ADMIN)},
    "member_invitation_resend": {POST: only(Role.ADMIN)},
    "member_invitation_revoke": {POST: only(Role.ADMIN)},
    "members_invite_staff": {GET: only(Role.ADMIN), POST: only(Role.ADMIN)},
    "invitation_accept": {GET: PUBLIC, POST: PUBLIC},
    "password_reset": {GET: PUBLIC, POST: PUBLIC},
    "password_reset_confirm": {GET: PUBLIC, POST: PUBLIC},
    "members_sign_in": {POST: only(Role.ADMIN)},
    "password_change": {GET: LOGIN_ONLY, POST: LOGIN_ONLY},
    # The second factor: every signed-in person manages their own.
    "second_factor": {GET: LOGIN_ONLY, POST: LOGIN_ONLY},
    "second_factor_set_up": {GET: LOGIN_ONLY, POST: LOGIN_ONLY},
    "recovery_codes_renew": {POST: LOGIN_ONLY},
    "second_factor_replace": {POST: LOGIN_ONLY},
    # Courses, sessions and bookings
    "courses": {GET: ALL},
    "course_new": {GET: TRAINING_ADMINS, POST: TRAINING_ADMINS},
    "course_edit": {GET: TRAINING_ADMINS, POST: TRAINING_ADMINS},
    "sessions": {GET: ALL},
    "session_new": {GET: TRAINING_ADMINS, POST: TRAINING_ADMINS},
    "session_detail": {GET: ALL, POST: ALL},
    # What booking several people came to (shown once after booking; otherwise back to the session).
    "session_booked": {GET: PEOPLE},
    "session_edit": {GET: TRAINING_ADMINS, POST: TRAINING_ADMINS},
    "session_cancel": {GET: TRAINING_ADMINS, POST: TRAINING_ADMINS},
    "session_attendance": {GET: TRAINING_ADMINS, POST: TRAINING_ADMINS},
    "my_bookings": {GET: ALL},
    "course_detail": {GET: ALL},
    # My training: every member (one without a staff record is told why it is empty).
    "my_training": {GET: ALL},
    "claim_new": {GET: ALL, POST: ALL},
    # Claims of learning done elsewhere: reviewed and decided by training admins (the empty
    # POST decides nothing: it asks for a decision).
    "claims": {GET: TRAINING_ADMINS},
    "claim_decide": {GET: TRAINING_ADMINS, POST: TRAINING_ADMINS},
    "claim_evidence": {GET: OWN_CLAIM},
    "booking_ics": {GET: OWN_BOOKING},
    # GET asks to confirm (naming who gets the place, to those who may see them); POST cancels.
    "booking_cancel": {GET: OWN_BOOKING, POST: OWN_BOOKING},
    # Briefings for board and elected members: guests' details are for training admins; a
    # guest replies through their personal link, without an account.
    "guests": {GET: TRAINING_ADMINS},
    "guest_new": {GET: TRAINING_ADMINS, POST: TRAINING_ADMINS},
    "guest_edit": {GET: TRAINING_ADMINS, POST: TRAINING_ADMINS},
    # The world's guest was invited to a briefing that has taken place: removal is refused.
    "guest_remove": {GET: TRAINING_ADMINS, POST: TRAINING_ADMINS},
    "briefings": {GET: TRAINING_ADMINS},
    "session_invitations": {GET: TRAINING_ADMINS, POST: TRAINING_ADMINS},
    "invitation_reply_record": {POST: TRAINING_ADMINS},
    "briefing_reply": {GET: PUBLIC, POST: PUBLIC},
    "survey_answer": {GET: PUBLIC, POST: PUBLIC},
    "briefing_reply_ics": {GET: PUBLIC},
    # Imports
    "imports": {GET: TRAINING_ADMINS, POST: TRAINING_ADMINS},
    "import_detail": {GET: TRAINING_ADMINS},
    "import_progress": {GET: TRAINING_ADMINS},
    "import_problems_csv": {GET: TRAINING_ADMINS},
    "import_confirm": {POST: TRAINING_ADMINS},
    "import_discard": {POST: TRAINING_ADMINS},
    # The API: the same rooms through another door
    "api_partnerships": {GET: LOGIN_ONLY},
    "api_organisations": {GET: COVERAGE},
    "api_teams": {GET: COVERAGE},
    "api_staff": {GET: PEOPLE},
    "api_staff_detail": {GET: PEOPLE},
    "api_courses": {GET: ALL},
    "api_course_detail": {GET: ALL},
    "api_sessions": {GET: ALL},
    "api_session_detail": {GET: ALL},
    # Booking several people at once: the roles that book others, scoped like the page.
    "api_session_bookings": {POST: PEOPLE},
    "api_bookings": {GET: ALL, POST: ALL},
    "api_booking_detail": {GET: OWN_BOOKING},
    "api_booking_cancel": {POST: OWN_BOOKING},
    "api_completions": {GET: ALL, POST: TRAINING_ADMINS},
    "api_coverage": {GET: COVERAGE},
    "api_guests": {GET: TRAINING_ADMINS, POST: TRAINING_ADMINS},
    "api_guest_detail": {GET: TRAINING_ADMINS, PATCH: TRAINING_ADMINS},
    "api_session_invitations": {GET: TRAINING_ADMINS, POST: TRAINING_ADMINS},
    "api_invitation_reply": {POST: TRAINING_ADMINS},
    # Feedback surveys: run by those who run training
    "feedback_surveys": {GET: TRAINING_ADMINS},
    "feedback_results": {GET: only(Role.ADMIN, Role.LD_OFFICER, Role.BOARD)},
    "api_feedback_results": {GET: only(Role.ADMIN, Role.LD_OFFICER, Role.BOARD)},
    "feedback_impact": {GET: only(Role.ADMIN, Role.LD_OFFICER, Role.BOARD)},
    "api_feedback_impact": {GET: only(Role.ADMIN, Role.LD_OFFICER, Role.BOARD)},
    "feedback_results_csv": {GET: only(Role.ADMIN, Role.LD_OFFICER, Role.BOARD)},
    "feedback_results_xlsx": {GET: only(Role.ADMIN, Role.LD_OFFICER, Role.BOARD)},
    # Attributable answers one by one: administrators and L&D officers only.
    "feedback_answers_csv": {GET: TRAINING_ADMINS},
    "feedback_answers_xlsx": {GET: TRAINING_ADMINS},
    "api_feedback_answers": {GET: TRAINING_ADMINS},
    "feedback_starter_set": {POST: TRAINING_ADMINS},
    "feedback_survey": {GET: TRAINING_ADMINS},
    "feedback_course_surveys": {GET: TRAINING_ADMINS, POST: TRAINING_ADMINS},
    # Survey templates: created, edited, closed and reopened by those who run training. The
    # first allowed caller closes the world's survey; the next is told it is closed already.
    "feedback_survey_create": {GET: TRAINING_ADMINS, POST: TRAINING_ADMINS},
    "feedback_survey_edit": {GET: TRAINING_ADMINS, POST: TRAINING_ADMINS},
    "feedback_survey_close": {GET: TRAINING_ADMINS, POST: TRAINING_ADMINS},
    "feedback_survey_reopen": {POST: TRAINING_ADMINS},
    "api_surveys": {GET: TRAINING_ADMINS, POST: TRAINING_ADMINS},
    "api_survey": {GET: TRAINING_ADMINS, PUT: TRAINING_ADMINS, PATCH: TRAINING_ADMINS},
    "api_survey_close": {POST: TRAINING_ADMINS},
    "api_survey_reopen": {POST: TRAINING_ADMINS},
    # The steering group's workspace and the implementation plan
    "workspace": {GET: ALL},
    "plan": {GET: ALL},
    "plan_history": {GET: ALL},
    "plan_as_of": {GET: ALL},
    "plan_xlsx": {GET: ALL},
    "plan_docx": {GET: ALL},
    "plan_action": {GET: ALL},
    "plan_action_new": {GET: WORKSPACE_EDIT, POST: WORKSPACE_EDIT},
    "plan_action_edit": {GET: ACTION_OWNER, POST: ACTION_OWNER},
    "plan_action_delete": {GET: WORKSPACE_EDIT},
    "plan_update_add": {POST: ACTION_OWNER},
    "plan_phase_new": {GET: WORKSPACE_EDIT, POST: WORKSPACE_EDIT},
    "plan_phase_edit": {GET: WORKSPACE_EDIT, POST: WORKSPACE_EDIT},
    "plan_priority_new": {GET: WORKSPACE_EDIT, POST: WORKSPACE_EDIT},
    "plan_priority_edit": {GET: WORKSPACE_EDIT, POST: WORKSPACE_EDIT},
    "api_plan_phases": {GET: ALL, POST: WORKSPACE_EDIT},
    "api_plan_priorities": {GET: ALL, POST: WORKSPACE_EDIT},
    "api_plan_phase_detail": {GET: ALL, PATCH: WORKSPACE_EDIT},
    "api_plan_priority_detail": {GET: ALL, PATCH: WORKSPACE_EDIT},
    "api_plan_actions": {GET: ALL, POST: WORKSPACE_EDIT},
    "api_plan_action_detail": {GET: ALL, PATCH: ACTION_OWNER, DELETE: WORKSPACE_EDIT},
    "api_plan_action_updates": {GET: ALL, POST: ACTION_OWNER},
    "api_plan_history": {GET: ALL},
    # Resources and toolkits (every member reads; administrators edit)
    "resources": {GET: ALL},
    "toolkit": {GET: ALL},
    "resource_new": {GET: only(Role.ADMIN), POST: only(Role.ADMIN)},
    "resource_edit": {GET: only(Role.ADMIN), POST: only(Role.ADMIN)},
    "resource_delete": {GET: only(Role.ADMIN), POST: only(Role.ADMIN)},
    "resource_file": {GET: ALL},
    "api_resources": {GET: ALL, POST: only(Role.ADMIN)},
    "api_resource_detail": {GET: ALL, PATCH: only(Role.ADMIN), DELETE: only(Role.ADMIN)},
    # Champions and ambassadors (the roster is known to every member)
    "network": {GET: ALL},
    "network_coverage": {GET: ALL},
    "network_member_new": {GET: only(Role.ADMIN), POST: only(Role.ADMIN)},
    "network_member_detail": {GET: ALL, POST: only(Role.ADMIN)},
    "network_member_edit": {GET: only(Role.ADMIN), POST: only(Role.ADMIN)},
    # Coaching, mentoring and peer networks: every member reads; administrators and L&D
    # officers write. Removing a person and deleting a meeting need the button's word, which
    # the empty POST lacks (and the world's people came to its meeting, so they stay).
    "coaching_groups": {GET: ALL},
    "coaching_group_new": {GET: TRAINING_ADMINS, POST: TRAINING_ADMINS},
    "coaching_group_detail": {GET: ALL},
    "coaching_group_edit": {GET: TRAINING_ADMINS, POST: TRAINING_ADMINS},
    "coaching_group_end": {GET: TRAINING_ADMINS, POST: TRAINING_ADMINS},
    "coaching_person_add": {GET: TRAINING_ADMINS, POST: TRAINING_ADMINS},
    "coaching_person_remove": {GET: TRAINING_ADMINS, POST: TRAINING_ADMINS},
    "coaching_meeting_new": {GET: TRAINING_ADMINS, POST: TRAINING_ADMINS},
    "coaching_meeting_edit": {GET: TRAINING_ADMINS, POST: TRAINING_ADMINS},
    "coaching_meeting_delete": {GET: TRAINING_ADMINS, POST: TRAINING_ADMINS},
    "api_network_members": {GET: ALL, POST: only(Role.ADMIN)},
    "api_network_member_detail": {GET: ALL, PATCH: only(Role.ADMIN)},
    "api_network_activities": {GET: ALL, POST: only(Role.ADMIN)},
    "api_network_activity_detail": {GET: ALL},
    "api_network_summary": {GET: ALL},
    # Funding and the engagement log (every member reads; administrators edit)
    "funding_overview": {GET: ALL},
    "funding_allocation_new": {GET: WORKSPACE_EDIT, POST: WORKSPACE_EDIT},
    "funding_allocation_edit": {GET: WORKSPACE_EDIT, POST: WORKSPACE_EDIT},
    "funding_allocation_delete": {GET: WORKSPACE_EDIT, POST: WORKSPACE_EDIT},
    "funding_commitment_new": {GET: WORKSPACE_EDIT, POST: WORKSPACE_EDIT},
    "funding_commitment_edit": {GET: WORKSPACE_EDIT, POST: WORKSPACE_EDIT},
    "funding_commitment_delete": {GET: WORKSPACE_EDIT, POST: WORKSPACE_EDIT},
    "engagement_list": {GET: ALL},
    "engagement_new": {GET: WORKSPACE_EDIT, POST: WORKSPACE_EDIT},
    "engagement_edit": {GET: WORKSPACE_EDIT, POST: WORKSPACE_EDIT},
    "engagement_delete": {GET: WORKSPACE_EDIT, POST: WORKSPACE_EDIT},
    "api_funding_allocations": {GET: ALL, POST: WORKSPACE_EDIT},
    "api_funding_allocation_detail": {GET: ALL, PATCH: WORKSPACE_EDIT, DELETE: WORKSPACE_EDIT},
    "api_funding_commitments": {GET: ALL, POST: WORKSPACE_EDIT},
    "api_funding_commitment_detail": {GET: ALL, PATCH: WORKSPACE_EDIT, DELETE: WORKSPACE_EDIT},
    "api_funding_summary": {GET: ALL},
    "api_engagements": {GET: ALL, POST: WORKSPACE_EDIT},
    "api_engagement_detail": {GET: ALL, PATCH: WORKSPACE_EDIT, DELETE: WORKSPACE_EDIT},
    # The lived-experience route: the workspace for coordinators; for staff, the page to
    # express interest and the person's private link, which need no login.
    "lived_unlock": {GET: COORDINATORS, POST: COORDINATORS},
    "lived_lock": {POST: COORDINATORS},
    "lived_records": {GET: COORDINATORS},
    "lived_record_new": {GET: COORDINATORS, POST: COORDINATORS},
    "lived_record": {GET: COORDINATORS},
    "lived_record_move": {GET: COORDINATORS, POST: COORDINATORS},
    "lived_record_details": {GET: COORDINATORS, POST: COORDINATORS},
    "lived_consent": {GET: COORDINATORS, POST: COORDINATORS},
    "lived_involvement": {GET: COORDINATORS, POST: COORDINATORS},
    "lived_record_withdraw": {GET: COORDINATORS, POST: COORDINATORS},
    "lived_link": {POST: COORDINATORS},
    "lived_export": {GET: COORDINATORS},
    "lived_consent_texts": {GET: COORDINATORS, POST: COORDINATORS},
    "lived_audit": {GET: COORDINATORS},
    "lived_counts": {GET: COORDINATORS},
    "api_lived_records": {GET: COORDINATORS, POST: COORDINATORS},
    "api_lived_record": {GET: COORDINATORS},
    "api_lived_record_transitions": {POST: COORDINATORS},
    "api_lived_record_consents": {POST: COORDINATORS},
    "api_lived_record_involvements": {POST: COORDINATORS},
    "api_lived_record_export": {GET: COORDINATORS},
    "api_lived_consent_texts": {GET: COORDINATORS, POST: COORDINATORS},
    "api_lived_audit": {GET: COORDINATORS},
    "api_lived_counts": {GET: COORDINATORS},
    # Board reports: administrators and L&D officers draft them, the board reads them,
    # administrators approve them. The first allowed caller sends the world's report for
    # review; the next is told it cannot be sent again (a message, not a refusal).
    "reports": {GET: REPORT_READ, POST: REPORT_EDIT},
    "report": {GET: REPORT_READ},
    "report_refresh": {POST: REPORT_EDIT},
    "report_cover": {GET: REPORT_EDIT, POST: REPORT_EDIT},
    "report_choices": {GET: REPORT_EDIT, POST: REPORT_EDIT},
    "report_risks": {POST: REPORT_EDIT},
    "report_section_edit": {GET: REPORT_EDIT, POST: REPORT_EDIT},
    # Consultations: the first allowed caller removes the world's; the next is told it was
    # removed already (a message, not a 404).
    "report_consultations": {POST: REPORT_EDIT},
    "report_consultation_remove": {POST: REPORT_EDIT},
    "report_submit": {POST: REPORT_EDIT},
    "report_return": {POST: REPORT_EDIT},
    "report_approve": {POST: only(Role.ADMIN)},
    "report_docx": {GET: REPORT_READ},
    "report_pdf": {GET: REPORT_READ},
    "report_html": {GET: REPORT_READ},
    # A partnership's Word template for its reports: those who draft reports choose it.
    "report_template": {GET: REPORT_EDIT, POST: REPORT_EDIT},
    "report_template_default": {GET: REPORT_EDIT},
    "report_template_download": {GET: REPORT_EDIT},
    "report_template_remove": {POST: REPORT_EDIT},
    # approve, through the transitions operation, is for administrators: checked in the view.
    "api_reports": {GET: REPORT_READ, POST: REPORT_EDIT},
    "api_report": {GET: REPORT_READ, PATCH: REPORT_EDIT},
    "api_report_section": {GET: REPORT_READ, PUT: REPORT_EDIT},
    # Removing a consultation is a 204 also when it was removed already (by the first
    # allowed caller here).
    "api_report_consultations": {GET: REPORT_READ, POST: REPORT_EDIT},
    "api_report_consultation": {DELETE: REPORT_EDIT},
    "api_report_refresh": {POST: REPORT_EDIT},
    "api_report_transition": {POST: REPORT_EDIT},
    "api_report_download": {GET: REPORT_READ},
    # The improvement programme: every member reads; administrators and L&D officers run it;
    # a project's team (the staff persona in the world) changes its own project.
    "improvement_programme": {GET: ALL},
    "improvement_project_new": {GET: TRAINING_ADMINS, POST: TRAINING_ADMINS},
    "improvement_project": {GET: ALL},
    "improvement_project_edit": {GET: PROJECT_TEAM, POST: PROJECT_TEAM},
    "improvement_measure_new": {GET: PROJECT_TEAM, POST: PROJECT_TEAM},
    "improvement_measure": {GET: ALL, POST: PROJECT_TEAM},
    "improvement_measure_edit": {GET: PROJECT_TEAM, POST: PROJECT_TEAM},
    "improvement_measure_import": {POST: PROJECT_TEAM},
    "improvement_measure_delete": {GET: PROJECT_TEAM, POST: PROJECT_TEAM},
    "improvement_measure_png": {GET: ALL},
    "improvement_measure_csv": {GET: ALL},
    "improvement_value_delete": {GET: PROJECT_TEAM, POST: PROJECT_TEAM},
    "improvement_drivers": {GET: ALL},
    "improvement_drivers_png": {GET: ALL},
    "improvement_driver_add": {POST: PROJECT_TEAM},
    # The first allowed caller adds nothing (the world's project has drivers): told so.
    "improvement_drivers_starter": {POST: PROJECT_TEAM},
    "improvement_driver_edit": {GET: PROJECT_TEAM, POST: PROJECT_TEAM},
    "improvement_driver_delete": {GET: PROJECT_TEAM, POST: PROJECT_TEAM},
    "improvement_idea_new": {GET: PROJECT_TEAM, POST: PROJECT_TEAM},
    "improvement_idea": {GET: ALL},
    "improvement_idea_edit": {GET: PROJECT_TEAM, POST: PROJECT_TEAM},
    "improvement_idea_delete": {GET: PROJECT_TEAM, POST: PROJECT_TEAM},
    "improvement_cycle_new": {GET: PROJECT_TEAM, POST: PROJECT_TEAM},
    "improvement_cycle": {GET: ALL},
    "improvement_cycle_edit": {GET: PROJECT_TEAM, POST: PROJECT_TEAM},
    "improvement_cycle_delete": {GET: PROJECT_TEAM, POST: PROJECT_TEAM},
    "improvement_cycle_attachment_add": {POST: PROJECT_TEAM},
    "improvement_cycle_rebase": {POST: PROJECT_TEAM},
    "improvement_attachment": {GET: ALL},
    "improvement_attachment_delete": {GET: PROJECT_TEAM, POST: PROJECT_TEAM},
    "improvement_consultation_new": {GET: PROJECT_TEAM, POST: PROJECT_TEAM},
    "improvement_consultation_edit": {GET: PROJECT_TEAM, POST: PROJECT_TEAM},
    "indicators_sharing": {GET: WORKSPACE_EDIT, POST: WORKSPACE_EDIT},
    # The world's partnership does not share: an administrator gets a 409 saying so.
    "api_indicator_comparison": {GET: WORKSPACE_EDIT},
    # The same through the API.
    "api_improvement_projects": {GET: ALL, POST: TRAINING_ADMINS},
    "api_improvement_project": {GET: ALL, PATCH: PROJECT_TEAM},
    "api_improvement_drivers": {GET: ALL, POST: PROJECT_TEAM},
    "api_improvement_driver": {GET: ALL, PATCH: PROJECT_TEAM, DELETE: PROJECT_TEAM},
    "api_improvement_ideas": {GET: ALL, POST: PROJECT_TEAM},
    "api_improvement_idea": {GET: ALL, PATCH: PROJECT_TEAM, DELETE: PROJECT_TEAM},
    "api_improvement_cycles": {GET: ALL, POST: PROJECT_TEAM},
    "api_improvement_cycle": {GET: ALL, PATCH: PROJECT_TEAM},
    "api_improvement_measures": {GET: ALL, POST: PROJECT_TEAM},
    "api_improvement_measure": {GET: ALL, PATCH: PROJECT_TEAM},
    "api_improvement_values": {GET: ALL, POST: PROJECT_TEAM},
    "api_improvement_value": {GET: ALL, DELETE: PROJECT_TEAM},
    "api_improvement_chart": {GET: ALL},
    "improvement_consultation_delete": {GET: PROJECT_TEAM, POST: PROJECT_TEAM},
    "lived_interest": {GET: PUBLIC, POST: PUBLIC},
    "lived_status": {GET: PUBLIC},
    "lived_person_withdraw": {GET: PUBLIC, POST: PUBLIC},
}

# Which object a detail URL's <pk> names.
PK_OF = {
    "api_plan_action_detail": "action_pk",
    "api_plan_phase_detail": "phase_pk",
    "api_plan_priority_detail": "priority_pk",
    "api_plan_action_updates": "action_pk",
    "api_staff_detail": "staff_pk",
    "api_course_detail": "course_pk",
    "api_session_detail": "session_pk",
    "api_session_bookings": "session_pk",
    "api_booking_detail": "booking_pk",
    "api_booking_cancel": "booking_pk",
    "api_guest_detail": "guest_pk",
    "api_session_invitations": "session_pk",
    "api_invitation_reply": "invitation_pk",
    "api_resource_detail": "resource_pk",
    "api_network_member_detail": "network_member_pk",
    "api_network_activity_detail": "network_activity_pk",
    "api_funding_allocation_detail": "allocation_pk",
    "api_funding_commitment_detail": "commitment_pk",
    "api_engagement_detail": "engagement_pk",
    "api_survey": "survey_pk",
    "api_survey_close": "survey_pk",
    "api_survey_reopen": "survey_pk",
    "api_lived_record": "record_pk",
    "api_report": "report_pk",
    "api_report_refresh": "report_pk",
    "api_report_transition": "report_pk",
    "api_report_download": "report_pk",
    "api_report_section": "report_pk",
    "api_report_consultations": "report_pk",
    "api_report_consultation": "report_pk",
    "api_lived_record_transitions": "record_pk",
    "api_lived_record_consents": "record_pk",
    "api_lived_record_involvements": "record_pk",
    "api_lived_record_export": "record_pk",
    "api_improvement_project": "project_pk",
    "api_improvement_drivers": "project_pk",
    "api_improvement_ideas": "project_pk",
    "api_improvement_measures": "project_pk",
    "api_improvement_driver": "driver_pk",
    "api_improvement_idea": "idea_pk",
    "api_improvement_cycles": "idea_pk",
    "api_improvement_cycle": "cycle_pk",
    "api_improvement_measure": "measure_pk",
    "api_improvement_values": "measure_pk",
    "api_improvement_chart": "measure_pk",
    "api_improvement_value": "value_pk",
}


def url_patterns():
    """(name, pattern) for every named URL the site serves, the admin site apart."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue  # Django's admin: its own staff-only login, tested separately
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield pattern.name, prefix + str(pattern.pattern)

    return sorted(set(walk(get_resolver().url_patterns)), key=lambda item: str(item[0]))


URLS = url_patterns()


def test_every_url_has_a_policy():
    missing = [f"{name} ({route})" for name, route in URLS if name not in POLICY]
    assert not missing, f"URL patterns with no entry in the authorization policy: {missing}"
    unnamed = [route for name, route in URLS if not name]
    assert not unnamed, f"URL patterns without a name cannot be checked: {unnamed}"


def _url(name: str, route: str, kwargs: dict) -> str:
    wanted = re.findall(r"<(?:\w+:)?(\w+)>", route)
    values = {k: kwargs[PK_OF[name]] if k == "pk" else kwargs[k] for k in wanted}
    return reverse(name, kwargs=values)


def _request(client: Client, method: str, url: str):
    """What a request writes is undone after it, so that every caller meets the same world
    (the first allowed role's DELETE does not leave the next a 404)."""
    with transaction.atomic():
        response = _sent(client, method, url)
        transaction.set_rollback(True)
    return response


def _sent(client: Client, method: str, url: str):
    if method == "GET":
        return client.get(url)
    if method == "POST":
        return client.post(url, {})
    # PATCH, PUT and DELETE are API operations: an empty JSON body.
    return getattr(client, method.lower())(url, "{}", content_type="application/json")


def _outcome(response, name: str) -> str:
    if response.status_code == 403:
        return FORBIDDEN
    if response.status_code == 404:
        return NOT_FOUND
    assert response.status_code < 500, f"server error {response.status_code}"
    if response.status_code in (301, 302) and name != "logout":
        assert "/login/" not in response.get("Location", ""), "a logged-in user was sent to log in"
    return OK


def _is_api(url: str) -> bool:
    view_class = getattr(resolve(url).func, "cls", None)
    return view_class is not None and issubclass(view_class, APIView)


def _anonymous_is_refused(url: str, method: str) -> None:
    response = _request(Client(), method, url)
    if _is_api(url):
        assert response.status_code == 401, f"{method} {url}: anonymous got {response.status_code}"
    else:
        assert response.status_code == 302 and response["Location"].startswith("/login/"), (
            f"{method} {url}: anonymous got {response.status_code}"
        )


PAGE_URLS = [(name, route) for name, route in URLS if name in POLICY]


@pytest.mark.parametrize(("name", "route"), PAGE_URLS, ids=[name for name, _ in PAGE_URLS])
def test_each_page_lets_in_exactly_the_roles_its_policy_names(world, name, route):
    url = _url(name, route, world["kwargs"])
    for method, policy in POLICY[name].items():
        if policy == PUBLIC:
            assert _request(Client(), method, url).status_code < 400
            continue
        _anonymous_is_refused(url, method)
        for (slug, role), membership in world["members"].items():
            client = Client()
            if role == Role.LE_COORDINATOR:
                unlock(client, membership)
            else:
                signed_in(membership.user, client)
            got = _outcome(_request(client, method, url), name)
            if policy == LOGIN_ONLY:
                expected = OK
            elif slug == "other":
                expected = NOT_FOUND  # another partnership's members learn nothing
            else:
                expected = policy[role]  # type: ignore[index]
            assert got == expected, (
                f"{method} {url} as {role} of {slug}: expected {expected}, got {got}"
            )


def test_installation_pages_open_to_installation_administrators_only(world):
    """The matrix above refuses every partnership role and anonymous callers; an
    installation administrator, with no membership at all, gets each page."""
    from tiptracker.accounts.tests.helpers import signed_in
    from tiptracker.partnerships.tests.factories import UserFactory

    lead = signed_in(UserFactory(username="lead@example.org", is_superuser=True))
    pages = [(n, r) for n, r in URLS if INSTALLATION_ADMINS in POLICY.get(n, {}).values()]
    assert {n for n, _ in pages} >= {"sso_providers", "sso_provider_remove"}
    # Removal last: it removes the world's provider.
    for name, route in sorted(pages, key=lambda page: page[0] == "sso_provider_remove"):
        url = _url(name, route, world["kwargs"])
        for method in POLICY[name]:
            assert _outcome(_request(lead, method, url), name) == OK, f"{method} {url}"


def test_every_api_operation_has_a_policy():
    """Each method an API view implements is an operation; each needs a policy entry."""
    unlisted = []
    for name, route in URLS:
        view = resolve(
            "/" + re.sub(r"<(?:\w+:)?(\w+)>", "1", route).replace("<slug:slug>", "x")
        ).func
        view_class = getattr(view, "cls", None)
        if view_class is None or not issubclass(view_class, APIView) or name in ("api_schema",):
            continue
        for method in ("get", "post", "put", "patch", "delete"):
            if hasattr(view_class, method) and method.upper() not in POLICY.get(name, {}):
                unlisted.append(f"{method.upper()} {route}")
    assert not unlisted, f"API operations with no policy: {unlisted}"
