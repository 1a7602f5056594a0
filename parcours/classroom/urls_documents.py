"""Addresses of the documents part of classroom (included by classroom/urls.py)."""

from django.urls import path

from parcours.classroom import views_documents as views

ORG = "o/<slug:org_slug>/"

urlpatterns: list = [
    path(ORG + "sessions/<int:session_id>/attendance-sheet.pdf", views.attendance_sheet_pdf,
         name="attendance_sheet_pdf"),
    path(ORG + "registrations/<int:registration_id>/certificate.pdf", views.certificate_pdf,
         name="certificate_pdf"),
    path(ORG + "sessions/<int:session_id>/survey/", views.survey, name="survey"),
    path(ORG + "surveys/", views.survey_results, name="survey_results"),
    path(ORG + "reports/hours/", views.hours_report, name="hours_report"),
]
