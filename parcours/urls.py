from django.contrib import admin
from django.urls import include, path

from parcours.web import views as web_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("parcours.core.urls")),
    path("", include("parcours.api.urls")),
    path("", include("parcours.accounts.urls")),
    path("", include("parcours.web.urls")),
]

handler403 = web_views.permission_denied
handler404 = web_views.page_not_found
handler500 = web_views.server_error
