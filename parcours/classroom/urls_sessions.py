"""Addresses of the sessions part of classroom (included by classroom/urls.py)."""

from django.urls import path

from parcours.classroom import views_sessions as views

urlpatterns: list = [
    path("o/<slug:org_slug>/sessions/", views.calendar, name="calendar"),
    path("o/<slug:org_slug>/sessions/new/", views.session_new, name="session_new"),
    path("o/<slug:org_slug>/sessions/<int:session_id>/", views.session_detail, name="session"),
    path("o/<slug:org_slug>/sessions/<int:session_id>/edit/", views.session_edit,
         name="session_edit"),
    path("o/<slug:org_slug>/sessions/<int:session_id>/reschedule/", views.session_reschedule,
         name="session_reschedule"),
    path("o/<slug:org_slug>/sessions/<int:session_id>/cancel/", views.session_cancel,
         name="session_cancel"),
    path("o/<slug:org_slug>/rooms/", views.rooms, name="rooms"),
    path("o/<slug:org_slug>/rooms/<int:room_id>/", views.room_edit, name="room_edit"),
]
