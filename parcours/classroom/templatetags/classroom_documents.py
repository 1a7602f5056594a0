"""The documents panel of a session's page.

Usage: `{% load classroom_documents %}{% documents_panel session %}`.
"""

from django import template
from django.template.loader import render_to_string

from parcours.classroom.selectors import documents_panel as panel_for

register = template.Library()


@register.simple_tag(takes_context=True)
def documents_panel(context, session):
    """The attendance sheet and every certificate for the session's trainers and
    managers; a learner's own certificate and surveys once the session is over; its
    satisfaction for those who read reports."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return ""
    return render_to_string("classroom/documents/_panel.html", {
        "panel": panel_for(request.user, session),
        "organisation": session.organisation,
    }, request=request)
