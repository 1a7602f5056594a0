"""The attendance panel of a session's page.

Usage: `{% load classroom_attendance %}{% attendance_panel session %}`.

For each slot: "Take attendance" and "Show the QR code" for the session's trainers (and
the people who schedule sessions), the viewer's own "Sign" link while signing is open
or the time they signed, and the virtual class's join link. Nothing for anyone else.
"""

from django import template
from django.template.loader import render_to_string

from parcours.classroom.selectors import attendance_panel as panel_for

register = template.Library()


@register.simple_tag(takes_context=True)
def attendance_panel(context, session):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.is_authenticated:
        return ""
    organisation = getattr(request, "organisation", None) or session.organisation
    return render_to_string("classroom/attendance/_panel.html", {
        "panel": panel_for(user, session), "organisation": organisation}, request=request)
