"""Turning a web page into its main text and metadata, with trafilatura.

Boilerplate removal is a solved problem that hand-written tag stripping gets wrong (menus,
share buttons, cookie banners and comment threads all look like text), so both the
article loader and the evidence archiver use a maintained extractor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import trafilatura

# htmldate's extensive search guesses a date from any number in the page; an article
# without a stated date is better left undated than given a wrong one.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}


# Prose: a paragraph of at least five words that ends a sentence. A page whose "main
# text" is only link lists, headings or button labels has no article in it.
_PROSE = re.compile(r"^(?:\S+\s+){4,}\S*[.!?][\"”’')\]]*$", re.MULTILINE)


@dataclass(frozen=True)
class Page:
    """The main text of a page (blank-line separated paragraphs) and what it says about
    itself. Fields the page does not state are empty, never guessed."""

    text: str
    title: str = ""
    author: str = ""
    published: date | None = None
    site_name: str = ""
    url: str = ""


def _paragraphs(text: str | None) -> str:
    # trafilatura puts one block a line; the claim extractor reads blank-line separated
    # paragraphs (a quote paragraph follows its "X said:" lead-in).
    return "\n\n".join(line.strip() for line in (text or "").splitlines() if line.strip())


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def extract_page(html: str | bytes, *, url: str | None = None) -> Page | None:
    """The article in a page with its metadata, or None when the page has no main text.

    Bytes are decoded by trafilatura, which honours the page's declared charset.
    """
    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        favor_precision=True,
        date_extraction_params=_DATE_PARAMS,
    )
    if document is None:
        return None
    text = _paragraphs(document.text)
    if not _PROSE.search(text):
        return None
    return Page(
        text=text,
        title=(document.title or "").strip(),
        author=(document.author or "").strip(),
        published=_date(document.date),
        site_name=(document.sitename or "").strip(),
        url=(document.url or "").strip(),
    )


def html_to_text(html: str | bytes) -> str:
    """The readable text of any page, one block a line: the main content when the page has
    an article, else all its visible text (an evidence page may be a table or a stub)."""
    text = trafilatura.extract(
        html, include_comments=False, include_tables=True, favor_recall=True, deduplicate=False
    )
    if text and text.strip():
        return text.strip()
    return (trafilatura.html2txt(html) or "").strip()
