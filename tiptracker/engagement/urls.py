from django.urls import path

from tiptracker.engagement import views

urlpatterns = [
    path("", views.engagement_list, name="engagement_list"),
    path("new/", views.engagement_new, name="engagement_new"),
    path("<int:engagement_pk>/edit/", views.engagement_edit, name="engagement_edit"),
    path("<int:engagement_pk>/delete/", views.engagement_delete, name="engagement_delete"),
]
