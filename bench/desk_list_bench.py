"""The desk's claim list at 1,000,000 claims on PostgreSQL: the whole page, with the total
counted exactly and counted up to FACTCHECK_LIST_COUNT_LIMIT, side by side.

    .venv/bin/python bench/million.py postgres://postgres@127.0.0.1:5432/fc_perf_bench
    .venv/bin/python bench/desk_list_bench.py postgres://postgres@127.0.0.1:5432/fc_perf_bench

Runs in one process with DEBUG off: Django's test client, signed in as the bench editor,
GETs each url --runs times after a warm-up, once with an exact count (the limit set past
the table's size, as the list counted before) and once with the default limit. Prints
the median of the page, the median of its COUNT query, and the total the page showed.
A script, not a test: it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dashboard_bench import setup  # noqa: E402 (after the path above)

URLS = [
    "/desk/claims/",
    "/desk/claims/?status=new",
    "/desk/claims/?status=published&sort=-date",
    "/desk/claims/?sort=date",
    "/desk/claims/?date_from=2025-06-01&date_to=2025-06-30",
    "/desk/claims/?date_from=2023-01-01",
    "/desk/claims/?worth=50",
    "/desk/claims/?page=300",
]


def measure(client, url: str, runs: int) -> tuple[float, float, str]:
    from django.db import connection

    client.get(url)
    pages, counts = [], []
    for _ in range(runs):
        spent = []

        def timed(execute, sql, params, many, context, spent=spent):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                if "COUNT(" in sql.upper() and "claims_claim" in sql:
                    spent.append(time.perf_counter() - started)

        with connection.execute_wrapper(timed):
            started = time.perf_counter()
            response = client.get(url)
            pages.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        counts.append(sum(spent))
    total = re.search(r'class="list-total"[^>]*><strong>([^<]+)</strong>', response.text)
    return (
        statistics.median(pages) * 1000,
        statistics.median(counts) * 1000,
        total.group(1) if total else "?",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="postgres://... built by bench/million.py")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    setup(args.url)

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-editor"))
    print(
        f"desk claim list, {args.runs} runs a case, load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} CPUs; count limit {settings.FACTCHECK_LIST_COUNT_LIMIT:,}"
    )
    print(f"{'url':<44} {'exact count':>26}   {'counted to the limit':>30}")
    for url in URLS:
        with override_settings(FACTCHECK_LIST_COUNT_LIMIT=10**12):
            exact = measure(client, url, args.runs)
        bounded = measure(client, url, args.runs)
        print(
            f"{url:<44} {exact[0]:7.1f} ms (count {exact[1]:6.1f} ms) "
            f"{exact[2]:>9}   {bounded[0]:7.1f} ms (count {bounded[1]:5.1f} ms) {bounded[2]:>18}"
        )
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
