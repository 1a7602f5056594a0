"""Markdown written by managers, shown to learners: CommonMark, then sanitised.

Authors are trusted members, but a programme is read by every learner of the
organisation, so whatever the text holds (raw HTML, `javascript:` links, event
attributes) only a fixed set of tags and URL schemes reaches the page.
"""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "em", "strong", "code", "pre",
    "blockquote", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "hr", "br",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
}
# Relative URLs (links to other pages of the site) pass: nh3 only filters schemes.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"

# `html: False`: raw HTML in the text is shown as text, not interpreted; nh3 is the
# second line of defence.
_parser = MarkdownIt("commonmark", {"html": False}).enable("table")


def render_markdown(text: str) -> SafeString:
    """The text as sanitised HTML, safe to put in a page."""
    if not text:
        return mark_safe("")  # noqa: S308 (an empty string)
    html = _parser.render(text)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
    )
    return mark_safe(cleaned)  # noqa: S308 (sanitised by nh3 just above)
