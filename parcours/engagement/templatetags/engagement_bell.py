"""The notification bell of the layout.

Usage, once in `web/base.html`: `{% load engagement_bell %}{% notification_bell %}`.

It renders a placeholder only, with no query: htmx loads the bell (`engagement:bell`)
when the page has loaded and every minute after, so the bell never slows a page down.
"""

from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag(takes_context=True)
def notification_bell(context) -> str:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return ""
    # Rendered without the request: its context processors (the menu) would cost queries.
    return render_to_string("engagement/centre/_bell_placeholder.html")
