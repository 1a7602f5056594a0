"""Pages where people manage their personal access tokens, and the API's own answers
for addresses and methods it does not serve."""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from parcours.api.forms import AccessTokenForm
from parcours.api.selectors import access_token_for, access_tokens_of
from parcours.api.services import create_access_token, revoke_access_token
from parcours.core.errors import DomainError


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """The person's tokens, and a form to create one.

    A new token is shown in the answer to the POST itself, never stored nor put in a
    URL: reloading or coming back later cannot show it again.
    """
    form = AccessTokenForm(request.POST or None)
    created = raw_token = None
    if request.method == "POST" and form.is_valid():
        try:
            created, raw_token = create_access_token(
                request.user, by=request.user, name=form.cleaned_data["name"],
                expires_in_days=form.cleaned_data["expires_in_days"],
            )
        except DomainError as refused:
            form.add_error(None, refused.message)
        else:
            form = AccessTokenForm()
    context = {
        "form": form,
        "tokens": access_tokens_of(request.user),
        "created": created,
        "raw_token": raw_token,
    }
    return render(request, "api/tokens.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    """Ask to confirm, then revoke one of the person's tokens."""
    token = access_token_for(request.user, token_id)
    if request.method == "POST":
        try:
            revoke_access_token(token, by=request.user)
        except DomainError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request, _("The token “%(name)s” is revoked.") % {"name": token.name}
            )
        return redirect("api:tokens")
    return render(request, "api/token_revoke.html", {"token": token})


def api_root(request: HttpRequest) -> JsonResponse:
    """Where to start: the machine-readable description and the docs page."""
    return JsonResponse({
        "openapi": reverse("api-v1:openapi-json"),
        "docs": reverse("api-v1:openapi-view"),
    })


def api_not_found(request: HttpRequest, unknown: str) -> JsonResponse:
    return JsonResponse(
        {"detail": _("There is no such address in the API. See %(docs)s.")
         % {"docs": reverse("api-v1:openapi-view")}},
        status=404,
    )


def json_method_not_allowed(view):
    """Wrap an API view so that a wrong HTTP method gets a JSON 405, like every error."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code != 405:
            return response
        refused = JsonResponse(
            {"detail": _("This address does not accept %(method)s; it accepts %(allowed)s.")
             % {"method": request.method, "allowed": response["Allow"]}},
            status=405,
        )
        refused["Allow"] = response["Allow"]
        return refused

    # Ninja's views skip Django's CSRF check (token auth needs none); keep it so.
    wrapper.csrf_exempt = getattr(view, "csrf_exempt", False)
    return wrapper
