"""Addresses of the messages part of coaching (included by coaching/urls.py)."""

from django.urls import path

from parcours.coaching import views_messages as views

ORG = "o/<slug:org_slug>/coaching/"

urlpatterns: list = [
    path(ORG + "engagements/<int:engagement_id>/messages/", views.thread, name="messages"),
    path(ORG + "engagements/<int:engagement_id>/messages/panel/", views.messages_panel,
         name="messages_panel"),
    path(ORG + "engagements/<int:engagement_id>/documents/", views.documents,
         name="documents"),
    path(ORG + "documents/<int:document_id>/download/", views.document_download,
         name="document_download"),
]
