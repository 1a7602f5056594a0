"""Addresses of the campaigns part of engagement (included by engagement/urls.py)."""

from django.urls import path

from parcours.engagement import views_campaigns as views

NUDGES = "o/<slug:org_slug>/nudges/"

urlpatterns: list = [
    path(NUDGES + "segments/", views.segment_list, name="segments"),
    path(NUDGES + "segments/new/", views.segment_new, name="segment_new"),
    path(NUDGES + "segments/preview/", views.segment_preview, name="segment_preview"),
    path(NUDGES + "segments/<int:segment_id>/", views.segment_edit, name="segment"),
    path(NUDGES + "campaigns/", views.campaign_list, name="campaigns"),
    path(NUDGES + "campaigns/new/", views.campaign_new, name="campaign_new"),
    path(NUDGES + "campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign"),
    path(NUDGES + "campaigns/<int:campaign_id>/edit/", views.campaign_edit,
         name="campaign_edit"),
    path(NUDGES + "campaigns/<int:campaign_id>/launch/", views.campaign_launch,
         name="campaign_launch"),
    path(NUDGES + "campaigns/<int:campaign_id>/cancel/", views.campaign_cancel,
         name="campaign_cancel"),
    path(NUDGES + "campaigns/<int:campaign_id>/promote/<int:variant_id>/",
         views.campaign_promote, name="campaign_promote"),
]
