"""Coaching's template tags: `{% load coaching_panels %}`.

- `{% coaching_actions_panel %}`: the beneficiary's open actions, for their dashboard
  next to their path (one query; nothing for someone without an engagement).
- `{% coaching_part_panel "booking" %}`: the panel another part of coaching adds to the
  engagement page, from `coaching/engagements/_panel_<part>.html` when that part ships
  one (nothing otherwise), rendered with the page's context.
- `{{ minutes|hours }}`: whole minutes as "22 h 30".
"""

from django import template
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from parcours.coaching.hours import format_minutes
from parcours.coaching.selectors.engagements import open_actions_of

register = template.Library()


@register.simple_tag(takes_context=True)
def coaching_actions_panel(context, organisation=None):
    request = context.get("request")
    user = getattr(request, "user", None)
    organisation = organisation or context.get("organisation") or getattr(
        request, "organisation", None)
    if user is None or not user.is_authenticated or organisation is None:
        return ""
    board = open_actions_of(user, organisation, today=timezone.localdate())
    if not board.items:
        return ""
    # Rendered without the request: the page's context processors have run already, and
    # running them again would cost queries; the page's CSRF token is passed on.
    return render_to_string("coaching/engagements/_actions_panel.html", {
        "board": board, "organisation": organisation,
        "csrf_token": context.get("csrf_token")})


@register.simple_tag(takes_context=True)
def coaching_part_panel(context, part: str):
    try:
        panel = get_template(f"coaching/engagements/_panel_{part}.html")
    except TemplateDoesNotExist:
        return ""
    return panel.render(context.flatten(), request=context.get("request"))


@register.filter
def hours(minutes) -> str:
    return format_minutes(int(minutes or 0))
