"""Markdown written by managers reaches learners as safe HTML."""

from html.parser import HTMLParser

import pytest
from django.template import Context, Template
from markdown_it import MarkdownIt

from parcours.catalog import markdown
from parcours.catalog.markdown import render_markdown
from parcours.catalog.templatetags.catalog_extras import duration


def elements(html: str) -> list[tuple[str, dict]]:
    """The tags of a fragment with their attributes, as a browser would build them."""
    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Collect().feed(html)
    return found


def test_headings_lists_emphasis_and_tables_are_rendered():
    html = render_markdown("## Objectifs\n\n- **Écrire** son *CV*\n\n| Étape | Durée |\n"
                           "|---|---|\n| Bilan | 1 h |\n")

    assert "<h2>Objectifs</h2>" in html
    assert "<li><strong>Écrire</strong> son <em>CV</em></li>" in html
    assert "<th>Étape</th>" in html
    assert "<td>Bilan</td>" in html


def test_links_open_safely_and_images_keep_their_text():
    html = render_markdown('[Pôle emploi](https://www.francetravail.fr "Site") '
                           "![Un CV](https://example.org/cv.png) [aide](/aide/) "
                           "[écrire](mailto:aide@example.org)")

    assert ('<a href="https://www.francetravail.fr" title="Site" '
            'rel="noopener noreferrer nofollow">Pôle emploi</a>') in html
    assert '<img src="https://example.org/cv.png" alt="Un CV">' in html
    assert 'href="/aide/"' in html
    assert 'href="mailto:aide@example.org"' in html


def test_scripts_are_never_run():
    html = render_markdown("Bonjour <script>alert('x')</script>\n\n<script>alert(1)</script>")

    assert "<script" not in html


def test_raw_html_is_shown_as_text_not_as_elements():
    html = render_markdown('<img src="x" onerror="alert(1)">\n\n<p onclick="alert(1)">clic</p>')

    assert elements(html) == [("p", {}), ("p", {})]


def test_the_sanitiser_strips_what_a_more_permissive_parser_would_let_through(monkeypatch):
    # Second line of defence: even if raw HTML were ever let through, nh3 cleans it.
    monkeypatch.setattr(markdown, "_parser", MarkdownIt("commonmark", {"html": True}))

    html = render_markdown('<img src="x" onerror="alert(1)">\n\n<p onclick="alert(1)">clic</p>'
                           '\n\n<script>alert(1)</script>\n\n<iframe src="https://e.org">'
                           '</iframe>\n\n<a href="javascript:alert(1)">x</a>')

    assert elements(html) == [("img", {"src": "x"}), ("p", {}), ("p", {}),
                              ("a", {"rel": "noopener noreferrer nofollow"})]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)",
                                 "data:text/html,<script>alert(1)</script>",
                                 "vbscript:msgbox(1)"])
def test_dangerous_link_schemes_are_not_links(url):
    html = render_markdown(f"[clic]({url}) ![img]({url})")

    assert "<a " not in html
    assert "<img" not in html


def test_an_empty_text_gives_nothing():
    assert render_markdown("") == ""


def test_the_template_filter_renders_and_escapes_nothing_twice():
    html = Template("{% load catalog_extras %}{{ text|markdown }}").render(
        Context({"text": "**gras** & <b>brut</b>"}))

    assert "<strong>gras</strong> &amp; &lt;b&gt;brut&lt;/b&gt;" in html


@pytest.mark.parametrize("minutes, shown", [(0, "0 min"), (45, "45 min"), (60, "1 h"),
                                            (95, "1 h 35 min"), (600, "10 h")])
def test_durations_read_as_hours_and_minutes(minutes, shown):
    assert duration(minutes) == shown
