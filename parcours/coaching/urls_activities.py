"""Addresses of the activities part of coaching (included by coaching/urls.py)."""

from django.urls import path

from parcours.coaching import views_activities as views

ORG = "o/<slug:org_slug>/coaching/"

urlpatterns: list = [
    path(ORG + "activities/", views.library, name="activities"),
    path(ORG + "activities/new/", views.activity_new, name="activity_new"),
    path(ORG + "activities/<int:activity_id>/", views.activity, name="activity"),
    path(ORG + "activities/<int:activity_id>/edit/", views.activity_edit,
         name="activity_edit"),
    path(ORG + "assignments/<int:assignment_id>/", views.assignment, name="assignment"),
    path(ORG + "assignments/<int:assignment_id>/draft/", views.assignment_autosave,
         name="assignment_autosave"),
    path(ORG + "engagements/<int:engagement_id>/activities/", views.engagement_activities,
         name="engagement_activities"),
    path(ORG + "live/", views.live_activities, name="live_activities"),
    path(ORG + "live/<int:activity_id>/", views.live_activity, name="live_activity"),
    path(ORG + "live/<int:activity_id>/results/", views.live_results, name="live_results"),
    path(ORG + "live/sessions/<int:session_id>/", views.live_session_results,
         name="live_session_results"),
    path("live/", views.live_enter, name="live_enter"),
    path("live/<str:code>/", views.live_join, name="live_join"),
]
