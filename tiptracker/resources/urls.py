from django.urls import path

from tiptracker.resources import views

urlpatterns = [
    path("", views.resources, name="resources"),
    path("toolkit/", views.toolkit, name="toolkit"),
    path("new/", views.resource_new, name="resource_new"),
    path("<int:resource_pk>/edit/", views.resource_edit, name="resource_edit"),
    path("<int:resource_pk>/delete/", views.resource_delete, name="resource_delete"),
    path("<int:resource_pk>/file/", views.resource_file, name="resource_file"),
]
