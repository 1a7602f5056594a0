"""Addresses of the triggers part of engagement (included by engagement/urls.py)."""

from django.urls import path

from parcours.engagement import views_triggers as views

NUDGES = "o/<slug:org_slug>/nudges/"

urlpatterns: list = [
    path(NUDGES + "triggers/", views.triggers, name="triggers"),
    path(NUDGES + "triggers/<slug:name>/", views.trigger_settings, name="trigger"),
    path(NUDGES + "triggers/<slug:name>/switch/", views.switch_trigger, name="switch_trigger"),
    path(NUDGES + "triggers/<slug:name>/templates/<slug:kind_name>/<slug:language>/",
         views.message_template, name="message_template"),
    path(NUDGES + "feedback/", views.feedback_report, name="feedback_report"),
    path(NUDGES + "feedback.csv", views.feedback_csv, name="feedback_csv"),
    path("feedback/<int:request_id>/", views.feedback, name="feedback"),
]
