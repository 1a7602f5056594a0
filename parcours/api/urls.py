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

api_patterns, api_app_name, api_namespace = api.urls
for pattern in api_patterns:
    pattern.callback = views.json_method_not_allowed(pattern.callback)

urlpatterns = [
    path("", include((token_pages, "api"))),
    # Before ninja's own root view, which answers a bare 404.
    path("api/v1/", views.api_root),
    path("api/v1/", include((api_patterns, api_app_name), namespace=api_namespace)),
    # Unknown addresses under the API get JSON too, not the site's HTML 404 page.
    path("api/v1/<path:unknown>", views.api_not_found),
]
