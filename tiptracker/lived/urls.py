"""The coordinators' workspace, under /p/<slug>/lived-experience/ (coordinators only)."""

from django.urls import path

from tiptracker.lived import views

urlpatterns = [
    path("", views.records, name="lived_records"),
    path("unlock/", views.unlock, name="lived_unlock"),
    path("lock/", views.lock, name="lived_lock"),
    path("new/", views.record_new, name="lived_record_new"),
    path("consent-texts/", views.consent_texts, name="lived_consent_texts"),
    path("audit/", views.audit, name="lived_audit"),
    path("counts/", views.counts, name="lived_counts"),
    path("<int:record_pk>/", views.record, name="lived_record"),
    path("<int:record_pk>/details/", views.record_details, name="lived_record_details"),
    path("<int:record_pk>/move/<slug:to>/", views.record_move, name="lived_record_move"),
    path("<int:record_pk>/consent/", views.consent_record, name="lived_consent"),
    path("<int:record_pk>/involvement/", views.involvement_add, name="lived_involvement"),
    path("<int:record_pk>/withdraw/", views.record_withdraw, name="lived_record_withdraw"),
    path("<int:record_pk>/link/", views.link_reissue, name="lived_link"),
    path("<int:record_pk>/export/", views.record_export, name="lived_export"),
]
