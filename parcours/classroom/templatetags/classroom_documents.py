"""The documents panel of a session's page.

Usage: `{% load classroom_documents %}{% documents_panel session %}`.
"""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def documents_panel(context, session):
    return ""
