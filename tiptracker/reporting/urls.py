from django.urls import path

from tiptracker.reporting import views

urlpatterns = [
    path("", views.reports, name="reports"),
    path("<int:report_pk>/", views.report, name="report"),
    path("<int:report_pk>/refresh/", views.report_refresh, name="report_refresh"),
    path("<int:report_pk>/number/", views.report_reference, name="report_reference"),
    path(
        "<int:report_pk>/sections/<str:number>/",
        views.report_section_edit,
        name="report_section_edit",
    ),
    path("<int:report_pk>/submit/", views.report_submit, name="report_submit"),
    path("<int:report_pk>/return/", views.report_return, name="report_return"),
    path("<int:report_pk>/approve/", views.report_approve, name="report_approve"),
    path("<int:report_pk>/report.docx", views.report_docx, name="report_docx"),
    path("<int:report_pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("<int:report_pk>/report.html", views.report_html, name="report_html"),
]
