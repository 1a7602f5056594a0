"""Template filters of the catalogue: `{% load catalog_extras %}`."""

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from parcours.catalog.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    """`{{ step.body|markdown }}`: CommonMark, sanitised."""
    return render_markdown(text or "")


@register.filter
def duration(minutes: int | None) -> str:
    """A duration in whole minutes as a person reads it: "1 h 30 min", "45 min"."""
    if not minutes:
        return _("%(minutes)s min") % {"minutes": 0}
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return _("%(minutes)s min") % {"minutes": rest}
    if not rest:
        return _("%(hours)s h") % {"hours": hours}
    return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest}


@register.filter
def basename(path: str) -> str:
    """The file name without its folders: "steps/2026/11/guide.pdf" -> "guide.pdf"."""
    return str(path or "").rsplit("/", 1)[-1]


@register.filter
def seconds_as_minutes(seconds: int | None) -> str:
    """Engaged time as a person reads it: 90 -> "1 min 30 s", 600 -> "10 min"."""
    minutes, rest = divmod(int(seconds or 0), 60)
    if not minutes:
        return _("%(seconds)s s") % {"seconds": rest}
    if not rest:
        return _("%(minutes)s min") % {"minutes": minutes}
    return _("%(minutes)s min %(seconds)s s") % {"minutes": minutes, "seconds": rest}
