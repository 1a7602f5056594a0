"""Addresses of the delivery part of engagement (included by engagement/urls.py): the
signed links in messages, and the administrators' dead-letter list."""

from django.urls import path

from parcours.engagement import views_delivery as views

ORG = "o/<slug:org_slug>/"

urlpatterns: list = [
    path("n/<str:signed>/open.gif", views.open_pixel, name="open"),
    path("n/<str:signed>/go", views.go, name="go"),
    path("n/unsubscribe/<str:signed>/", views.unsubscribe, name="unsubscribe"),
    path(ORG + "nudges/failed/", views.dead_letters, name="dead_letters"),
    path(ORG + "nudges/failed/retry/", views.retry_all, name="retry_dead_letters"),
    path(ORG + "nudges/failed/<int:delivery_id>/retry/", views.retry_one,
         name="retry_dead_letter"),
]
