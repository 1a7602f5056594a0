"""Addresses of the centre part of engagement (included by engagement/urls.py): the
person's notifications and push devices, the service worker at the site's root, the
managers' dashboard and the coaches' view of the nudges."""

from django.urls import path

from parcours.engagement import views_centre as centre
from parcours.engagement import views_dashboard as dashboard

ORG = "o/<slug:org_slug>/"

urlpatterns = [
    path("notifications/", centre.centre, name="centre"),
    path("notifications/bell/", centre.bell, name="bell"),
    path("notifications/read-all/", centre.mark_all_read, name="mark_all_read"),
    path("notifications/<int:notification_id>/open/", centre.open_notification,
         name="open_notification"),
    path("notifications/<int:notification_id>/read/", centre.mark_read, name="mark_read"),
    path("notifications/push/", centre.push, name="push"),
    path("notifications/push/subscribe/", centre.push_subscribe, name="push_subscribe"),
    path("notifications/push/unsubscribe/", centre.push_unsubscribe, name="push_unsubscribe"),
    path("notifications/push/<int:subscription_id>/remove/", centre.push_remove,
         name="push_remove"),
    path("sw.js", centre.service_worker, name="service_worker"),
    path(ORG + "nudges/", dashboard.dashboard, name="dashboard"),
    path(ORG + "nudges/export.csv", dashboard.dashboard_csv, name="dashboard_csv"),
    path(ORG + "nudges/learners/", dashboard.coach_nudges, name="coach_nudges"),
]
