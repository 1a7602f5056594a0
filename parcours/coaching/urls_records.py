"""Addresses of the record part of coaching (included by coaching/urls.py)."""

from django.urls import path

from parcours.coaching import views_records as views

urlpatterns: list = [
    path("o/<slug:org_slug>/coaching/", views.caseload, name="caseload"),
    path("o/<slug:org_slug>/coaching/engagements/<int:engagement_id>/timeline/",
         views.timeline_page, name="timeline"),
    path("o/<slug:org_slug>/coaching/engagements/<int:engagement_id>/synthesis/",
         views.synthesis_page, name="synthesis"),
    path("o/<slug:org_slug>/coaching/reports/", views.report, name="reports"),
    path("o/<slug:org_slug>/coaching/retention/", views.retention, name="retention"),
    path("o/<slug:org_slug>/my-coaching/data/", views.my_data, name="my_data"),
]
