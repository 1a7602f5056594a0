"""The registrations panel of a session's page.

Usage: `{% load classroom_registrations %}{% registrations_panel session %}`.
"""

from django import template
from django.template.loader import render_to_string

from parcours.classroom.selectors import registrations_panel as panel_for

register = template.Library()


@register.simple_tag(takes_context=True)
def registrations_panel(context, session):
    """Seats taken and free, the waiting list, the viewer's register or cancel button;
    the registrations and the "register learners" link for people who register."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return ""
    return render_to_string("classroom/registrations/_panel.html", {
        "panel": panel_for(request.user, session),
        "organisation": session.organisation,
    }, request=request)
