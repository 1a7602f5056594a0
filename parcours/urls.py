from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("parcours.core.urls")),
    path("", include("parcours.api.urls")),
    path("", include("parcours.accounts.urls")),
    path("", include("parcours.catalog.urls")),
    path("", include("parcours.assessments.urls")),
    path("", include("parcours.journeys.urls")),
    path("", include("parcours.classroom.urls")),
    path("", include("parcours.coaching.urls")),
    path("", include("parcours.engagement.urls")),
    path("", include("parcours.web.urls")),
]
