"""The attendance panel of a session's page.

Usage: `{% load classroom_attendance %}{% attendance_panel session %}`.
"""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def attendance_panel(context, session):
    return ""
