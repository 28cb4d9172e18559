from django.urls import path

from tiptracker.reporting import views

urlpatterns = [
    path("", views.reports, name="reports"),
    path("template/", views.report_template, name="report_template"),
    path("template/default.docx", views.report_template_default, name="report_template_default"),
    path("template/current.docx", views.report_template_download, name="report_template_download"),
    path("template/remove/", views.report_template_remove, name="report_template_remove"),
    path("<int:report_pk>/", views.report, name="report"),
    path("<int:report_pk>/refresh/", views.report_refresh, name="report_refresh"),
    path("<int:report_pk>/cover/", views.report_cover, name="report_cover"),
    path("<int:report_pk>/choices/", views.report_choices, name="report_choices"),
    path("<int:report_pk>/risks/", views.report_risks, name="report_risks"),
    path(
        "<int:report_pk>/sections/<str:number>/",
        views.report_section_edit,
        name="report_section_edit",
    ),
    path(
        "<int:report_pk>/consultations/",
        views.report_consultations,
        name="report_consultations",
    ),
    path(
        "<int:report_pk>/consultations/<int:consultation_pk>/remove/",
        views.report_consultation_remove,
        name="report_consultation_remove",
    ),
    path("<int:report_pk>/submit/", views.report_submit, name="report_submit"),
    path("<int:report_pk>/return/", views.report_return, name="report_return"),
    path("<int:report_pk>/approve/", views.report_approve, name="report_approve"),
    path("<int:report_pk>/report.docx", views.report_docx, name="report_docx"),
    path("<int:report_pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("<int:report_pk>/report.html", views.report_html, name="report_html"),
]
