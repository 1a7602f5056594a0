"""Addresses of the registrations part of classroom (included by classroom/urls.py)."""

from django.urls import path

from parcours.classroom import views_registrations as views

ORG = "o/<slug:org_slug>/"

urlpatterns = [
    # A learner's sessions
    path(ORG + "my-sessions/", views.my_sessions, name="my_sessions"),
    path(ORG + "sessions/<int:session_id>/register/", views.register_self, name="register_self"),
    path(ORG + "sessions/<int:session_id>/calendar.ics", views.session_ics, name="session_ics"),
    path(ORG + "registrations/<int:registration_id>/cancel/", views.cancel_registration,
         name="cancel_registration"),
    # People who register learners
    path(ORG + "sessions/<int:session_id>/registrations/", views.registrations,
         name="registrations"),
    # Calendar feeds
    path("account/calendar/", views.calendar_feed, name="calendar_feed"),
    path("account/calendar/revoke/", views.revoke_calendar_feed, name="revoke_calendar_feed"),
    path("calendar/<str:token>.ics", views.feed_ics, name="feed_ics"),
]
