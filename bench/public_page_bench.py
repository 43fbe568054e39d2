"""A published verdict's public page as readers meet it: rendered each time, from the
cache, and as a 304 for a reader who holds its ETag.

    .venv/bin/python bench/public_page_bench.py postgres://postgres@127.0.0.1:5432/fc_perf_bench
    .venv/bin/python bench/public_page_bench.py sqlite:///var/db.sqlite3   # after `make run`

Runs in one process with DEBUG off, through Django's test client and the whole middleware
stack, without a session (a reader arriving from a shared link), on the published claim
with the most sources. Prints the median and p95 of each case, its queries, and the load
of the machine. A script, not a test: it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dashboard_bench import setup  # noqa: E402 (after the path above)


def case(name: str, runs: int, request) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            status = request()
            times.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"{name:<28} status {status}  median {statistics.median(times):7.2f} ms  "
        f"p95 {p95:7.2f} ms  queries {queries}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="DATABASE_URL of a database with published verdicts")
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    setup(args.url)

    from django.core.cache import cache
    from django.db.models import Count
    from django.test import Client, override_settings
    from django.urls import reverse

    from claims.models import Claim

    claim = (
        Claim.objects.filter(is_public=True)
        .annotate(sources=Count("evidence"))
        .order_by("-sources", "pk")
        .first()
    )
    if claim is None:
        sys.exit(f"{args.url}: no published claim to ask for")
    url = reverse("public-claim", args=[claim.pk])
    reader = Client()
    print(f"claim {claim.pk} ({claim.sources} sources), load {os.getloadavg()[0]:.2f}")

    with override_settings(FACTCHECK_PUBLIC_CACHE_SECONDS=0):
        case("rendered every time", args.runs, lambda: reader.get(url).status_code)

    def rendered_once() -> int:
        return reader.get(url).status_code

    cache.clear()
    first = reader.get(url)
    case("from the cache", args.runs, rendered_once)
    etag = first["ETag"]
    case(
        "304 (If-None-Match)",
        args.runs,
        lambda: reader.get(url, headers={"if-none-match": etag}).status_code,
    )
    print(f"load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
