from django.urls import path

from tiptracker.funding import views

urlpatterns = [
    path("", views.funding_overview, name="funding_overview"),
    path("allocations/new/", views.allocation_new, name="funding_allocation_new"),
    path(
        "allocations/<int:allocation_pk>/edit/",
        views.allocation_edit,
        name="funding_allocation_edit",
    ),
    path(
        "allocations/<int:allocation_pk>/delete/",
        views.allocation_delete,
        name="funding_allocation_delete",
    ),
    path("commitments/new/", views.commitment_new, name="funding_commitment_new"),
    path(
        "commitments/<int:commitment_pk>/edit/",
        views.commitment_edit,
        name="funding_commitment_edit",
    ),
    path(
        "commitments/<int:commitment_pk>/delete/",
        views.commitment_delete,
        name="funding_commitment_delete",
    ),
]
