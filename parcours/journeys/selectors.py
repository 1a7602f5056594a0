"""Reads about learners' paths, each with its access check built in."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Organisation, User
from parcours.accounts.selectors import require_permission
from parcours.core.roles import Permission
from parcours.journeys.models import PathStep


def own_path_step(user: User, organisation: Organisation, path_step_id: int) -> PathStep:
    """A step of the person's own path in this organisation; anyone else's is a 404."""
    require_permission(user, organisation, Permission.FOLLOW_OWN_PATH)
    try:
        return PathStep.objects.select_related("enrolment__programme").get(
            pk=path_step_id, enrolment__learner=user, enrolment__organisation=organisation
        )
    except PathStep.DoesNotExist as missing:
        raise Http404(_("No such step in your path.")) from missing


def followed_path_step(user: User, organisation: Organisation, path_step_id: int) -> PathStep:
    """A step of a learner's path, for the coaches and managers who follow learners."""
    require_permission(user, organisation, Permission.FOLLOW_LEARNERS)
    try:
        return PathStep.objects.select_related("enrolment__programme", "enrolment__learner").get(
            pk=path_step_id, enrolment__organisation=organisation
        )
    except PathStep.DoesNotExist as missing:
        raise Http404(_("No such step.")) from missing
