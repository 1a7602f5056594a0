"""Addresses of the booking part of coaching (included by coaching/urls.py)."""

from django.urls import path

from parcours.coaching import views_booking as views

ORG = "o/<slug:org_slug>/coaching/"
APPOINTMENT = ORG + "appointments/<int:appointment_id>/"

urlpatterns = [
    path(ORG + "availability/", views.availability, name="availability"),
    path(ORG + "availability/exceptions/<int:exception_id>/remove/", views.remove_exception,
         name="remove_availability_exception"),
    path(ORG + "booking-settings/", views.booking_settings, name="booking_settings"),
    path(ORG + "engagements/<int:engagement_id>/book/", views.book, name="book"),
    path(ORG + "engagements/<int:engagement_id>/appointments/", views.engagement_appointments,
         name="engagement_appointments"),
    path(ORG + "appointments/", views.my_appointments, name="my_appointments"),
    path(APPOINTMENT, views.appointment, name="appointment"),
    path(APPOINTMENT + "move/", views.move, name="move_appointment"),
    path(APPOINTMENT + "cancel/", views.cancel, name="cancel_appointment"),
    path(APPOINTMENT + "link/", views.set_link, name="appointment_link"),
    path(APPOINTMENT + "join/", views.join, name="join"),
    path(APPOINTMENT + "leave/", views.leave, name="leave"),
    path(APPOINTMENT + "calendar.ics", views.appointment_ics, name="appointment_ics"),
]
