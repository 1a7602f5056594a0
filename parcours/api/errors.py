"""Every API error is JSON with a `detail` a person can read, never an HTML page."""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from parcours.core.errors import DomainError, NotAllowed

logger = logging.getLogger(__name__)

REALM = 'Bearer realm="Parcours API"'


class OutsideOrganisation(NotAllowed):
    """The caller is not a member of the organisation named in the URL.

    The API answers 403 whether the organisation exists or not, so that a caller
    cannot learn which short names are taken.
    """

    default_message = gettext_lazy(
        "You are not a member of this organisation, or it does not exist."
    )


def _json(api: NinjaAPI, request: HttpRequest, status: int, detail, **extra) -> HttpResponse:
    return api.create_response(request, {"detail": str(detail), **extra}, status=status)


def _field_message(error: dict) -> str:
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "value_error" and "error" in context:
        return str(context["error"])
    if kind in {"string_type", "string_too_short"}:
        return _("Enter some text.")
    if kind == "string_too_long":
        return _("Enter at most %(max)s characters.") % {"max": context.get("max_length")}
    if kind == "list_type":
        return _("Enter a list.")
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return _("Enter a whole number.")
    if kind in {"greater_than_equal", "greater_than"}:
        return _("Enter a number of at least %(limit)s.") % {
            "limit": context.get("ge", context.get("gt"))
        }
    if kind in {"less_than_equal", "less_than"}:
        return _("Enter a number of at most %(limit)s.") % {
            "limit": context.get("le", context.get("lt"))
        }
    if kind == "json_invalid":
        return _("The request body is not valid JSON.")
    if kind in {"model_attributes_type", "dict_type", "model_type"}:
        return _("Send a JSON object.")
    return error.get("msg", _("This value is not valid."))


def _field_errors(errors: list[dict]) -> list[dict]:
    readable = []
    for error in errors:
        location, *rest = [str(part) for part in error.get("loc", ())] or ["body"]
        # Ninja puts the view's parameter name after "body" ("body", "payload", "email"):
        # callers know nothing of it.
        if location == "body" and rest:
            rest = rest[1:]
        readable.append(
            {"location": location, "field": ".".join(rest), "message": _field_message(error)}
        )
    return readable


def install_error_handlers(api: NinjaAPI) -> None:
    """Map every exception an endpoint can meet onto a JSON answer."""

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        if request.headers.get("Authorization"):
            detail = _("This access token is not valid: it may be mistyped, revoked or "
                       "expired. Create a new one on your account's access tokens page.")
            challenge = f'{REALM}, error="invalid_token"'
        else:
            detail = _("Authentication required: send a personal access token in the "
                       "Authorization header, as “Bearer <token>”.")
            challenge = REALM
        response = _json(api, request, 401, detail)
        response["WWW-Authenticate"] = challenge
        return response

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
            # Ninja's "Cannot parse request body", which is neither translated nor precise.
            return _json(api, request, 400, _("The request body is not valid JSON."))
        return _json(api, request, exc.status_code, exc.message)

    @api.exception_handler(DomainError)
    def domain_error(request, exc):
        return _json(api, request, exc.status_code, exc.message)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request, exc):
        return _json(api, request, 403, str(exc) or _("You do not have permission to do this."))

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return _json(api, request, 404, str(exc) or _("Not found."))

    @api.exception_handler(ValidationError)
    def invalid(request, exc):
        return _json(api, request, 422, _("Some values are missing or not valid."),
                     errors=_field_errors(exc.errors))

    @api.exception_handler(Exception)
    def unexpected(request, exc):
        logger.exception("Unexpected error in API call %s %s", request.method, request.path)
        return _json(api, request, 500, _("Something went wrong on our side. It has been "
                                          "logged; please try again later."))
