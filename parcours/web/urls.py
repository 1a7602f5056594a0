from django.urls import path

from parcours.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("language/", views.set_language, name="set_language"),
    path("organisations/", views.organisations, name="organisations"),
    path("o/<slug:org_slug>/", views.organisation_home, name="organisation_home"),
    path("o/<slug:org_slug>/members/", views.members, name="members"),
    path("o/<slug:org_slug>/invitations/<int:invitation_id>/revoke/", views.revoke_invitation,
         name="revoke_invitation"),
    path("o/<slug:org_slug>/activity/", views.activity, name="activity"),
]
