"""The registrations panel of a session's page.

Usage: `{% load classroom_registrations %}{% registrations_panel session %}`.
"""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def registrations_panel(context, session):
    return ""
