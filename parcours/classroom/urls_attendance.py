"""Addresses of the attendance part of classroom (included by classroom/urls.py)."""

from django.urls import path

from parcours.classroom import views_attendance as views

ORG = "o/<slug:org_slug>/"
SLOT = ORG + "slots/<int:slot_id>/"

urlpatterns = [
    # The trainer
    path(SLOT + "attendance/", views.attendance, name="attendance"),
    path(SLOT + "attendance/<int:learner_id>/sign/", views.sign_on_trainer_device,
         name="sign_on_trainer_device"),
    path(SLOT + "attendance/<int:learner_id>/accept-virtual/", views.accept_virtual,
         name="accept_virtual"),
    path(SLOT + "qr/", views.attendance_qr, name="attendance_qr"),
    path(SLOT + "qr/code/", views.attendance_qr_code, name="attendance_qr_code"),
    path(SLOT + "close-virtual/", views.close_virtual, name="close_virtual"),
    # Whoever signs
    path(SLOT + "sign/", views.sign_slot, name="sign_slot"),
    path(ORG + "sign/<str:token>/", views.sign_qr, name="sign_qr"),
    path(ORG + "sign-link/<str:token>/", views.sign_link, name="sign_link"),
    path(SLOT + "join/", views.join_virtual, name="join_virtual"),
    path(SLOT + "leave/", views.leave_virtual, name="leave_virtual"),
]
