"""Addresses of the preferences part of engagement (included by engagement/urls.py)."""

from django.urls import path

from parcours.engagement import views_preferences as views

urlpatterns = [
    path("notifications/preferences/", views.preferences, name="preferences"),
    path("o/<slug:org_slug>/nudges/sending-rules/", views.sending_rules, name="sending_rules"),
]
