"""Turning a web page into its main text."""

from __future__ import annotations

from html.parser import HTMLParser


class _TextParser(HTMLParser):
    _SKIP = {"script", "style", "noscript", "template"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self._skipping += 1

    def handle_endtag(self, tag):
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.parts.append(data.strip())


def html_to_text(html: str) -> str:
    """The visible text of a page, one block a line. (Intake replaces this with a proper
    main-content extractor.)"""
    parser = _TextParser()
    parser.feed(html)
    return "\n".join(parser.parts)
