from django.urls import include, path

from parcours.api import views
from parcours.api.api import api

# Two namespaces: the token pages are "api:…"; ninja mounts the REST API under its own
# "api-v1" namespace (it reverses "api-v1:openapi-json" for the docs page), which must
# therefore not sit inside "api".
token_pages = [
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/tokens/<int:token_id>/revoke/", views.revoke_token, name="token_revoke"),
]

urlpatterns = [
    path("", include((token_pages, "api"))),
    path("api/v1/", api.urls),
    # Unknown addresses under the API get JSON too, not the site's HTML 404 page.
    path("api/v1/<path:unknown>", views.api_not_found),
]
