from django.urls import path

from tiptracker.plan import views

urlpatterns = [
    path("workspace/", views.workspace, name="workspace"),
    path("plan/", views.plan, name="plan"),
    path("plan/history/", views.history, name="plan_history"),
    path("plan/as-of/", views.as_of, name="plan_as_of"),
    path("plan/plan.xlsx", views.export_xlsx, name="plan_xlsx"),
    path("plan/plan.docx", views.export_docx, name="plan_docx"),
    path("plan/actions/new/", views.action_new, name="plan_action_new"),
    path("plan/actions/<int:action_pk>/", views.action_detail, name="plan_action"),
    path("plan/actions/<int:action_pk>/edit/", views.action_edit, name="plan_action_edit"),
    path("plan/actions/<int:action_pk>/delete/", views.action_delete, name="plan_action_delete"),
    path(
        "plan/actions/<int:action_pk>/updates/",
        views.progress_update_add,
        name="plan_update_add",
    ),
    path("plan/phases/new/", views.phase_new, name="plan_phase_new"),
    path("plan/phases/<int:phase_pk>/edit/", views.phase_edit, name="plan_phase_edit"),
    path("plan/priorities/new/", views.priority_new, name="plan_priority_new"),
    path("plan/priorities/<int:priority_pk>/edit/", views.priority_edit, name="plan_priority_edit"),
]
