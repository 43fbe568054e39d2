"""Turning article files into articles and claims: the one code path behind
`manage.py load_articles`, its Celery task and the API's article creation.

Reading (read_path, read_stream, article_from_mapping) turns bytes into Sources or
InputErrors without touching the database; storing (load_article) writes one Source in one
transaction. Large inputs are streamed: a .jsonl file or standard input is read a line at a
time, so memory stays flat however many articles it holds.

Three modules: sources (the records passed around), reading, storing. Their public names
are importable from here.
"""

from claims.loading.reading import (
    article_from_html,
    article_from_mapping,
    read_path,
    read_stream,
    source_from_payload,
    source_to_payload,
    validated,
    with_overrides,
)
from claims.loading.sources import (
    ARTICLE_SUFFIXES,
    CLAIMS_SUFFIX,
    HTML_SUFFIXES,
    STDIN_NAME,
    CuratedClaim,
    InputError,
    LoadResult,
    Source,
    max_article_bytes,
)
from claims.loading.storing import (
    extract,
    extracted_in_parallel,
    load_article,
    load_articles,
    queue_linking,
    score_sentence,
)

__all__ = [
    "ARTICLE_SUFFIXES",
    "CLAIMS_SUFFIX",
    "HTML_SUFFIXES",
    "STDIN_NAME",
    "CuratedClaim",
    "InputError",
    "LoadResult",
    "Source",
    "article_from_html",
    "article_from_mapping",
    "extract",
    "extracted_in_parallel",
    "load_article",
    "load_articles",
    "max_article_bytes",
    "queue_linking",
    "read_path",
    "read_stream",
    "score_sentence",
    "source_from_payload",
    "source_to_payload",
    "validated",
    "with_overrides",
]
