import functools

from django.contrib.auth.decorators import login_required

from parcours.accounts.selectors import organisation_for, require_permission, roles_in


def organisation_page(permission: str):
    """A page inside an organisation (`/o/<slug>/...`) that needs a permission there.

    Anonymous visitors go to the login page; people outside the organisation get a
    404; members without the permission get the 403 page.
    """

    def decorate(view):
        @login_required
        @functools.wraps(view)
        def wrapper(request, org_slug, *args, **kwargs):
            organisation = organisation_for(request.user, org_slug)
            request.organisation = organisation
            request.roles = require_permission(request.user, organisation, permission)
            return view(request, organisation, *args, **kwargs)

        return wrapper

    return decorate


def member_page(view):
    """A page inside an organisation for any of its members, whose selector decides what
    each one sees (and refuses). Outsiders get a 404, anonymous visitors the login page."""

    @login_required
    @functools.wraps(view)
    def wrapper(request, org_slug, *args, **kwargs):
        organisation = organisation_for(request.user, org_slug)
        request.organisation = organisation
        request.roles = roles_in(request.user, organisation)
        return view(request, organisation, *args, **kwargs)

    return wrapper
