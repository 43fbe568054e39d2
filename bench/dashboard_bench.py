"""The desk's dashboard at 100,000 claims on PostgreSQL: the median time of the whole page.

    .venv/bin/python bench/million.py postgres://postgres@127.0.0.1:5432/fc_intake --claims 100000
    .venv/bin/python bench/dashboard_bench.py postgres://postgres@127.0.0.1:5432/fc_intake

Runs in one process with DEBUG off: Django's test client, signed in, GETs `/` --runs times
(after a few warm-up requests) through the whole middleware stack, template included, for
two people: an editor (every section, the approval queue too) and the reviewer with the
most claims assigned (their "My claims" is the fullest). Prints the median, the p95, the
number of queries and the time they took (connection.execute_wrapper), the CPU time of
this process (the Python side: the view and its template), the machine's load, and the figures
the page shows, so a reader can see the page was not empty. Target: median < 100 ms.

A script, not a test: it prints figures and asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("FACTCHECK_VAR_DIR", tempfile.mkdtemp(prefix="dashboard-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()


class Timer:
    """Counts the queries of a request and the time spent in them."""

    def __init__(self):
        self.queries = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


def measure(client, runs: int, warmup: int) -> dict:
    from django.db import connection

    for _ in range(warmup):
        assert client.get("/", secure=True).status_code == 200
    times, sql_times, cpu_times, queries, size = [], [], [], 0, 0
    for _ in range(runs):
        timer = Timer()
        with connection.execute_wrapper(timer):
            started, cpu = time.perf_counter(), time.process_time()
            response = client.get("/", secure=True)
            times.append(time.perf_counter() - started)
            cpu_times.append(time.process_time() - cpu)
        assert response.status_code == 200, response.status_code
        sql_times.append(timer.seconds)
        queries, size = timer.queries, len(response.content)
    times.sort()
    return {
        "median": statistics.median(times) * 1000,
        "p95": times[max(0, round(0.95 * len(times)) - 1)] * 1000,
        "sql": statistics.median(sql_times) * 1000,
        "cpu": statistics.median(cpu_times) * 1000,
        "queries": queries,
        "bytes": size,
        "page": response.content.decode(),
    }


def shown(page: str) -> str:
    """The section totals the page printed (My claims, awaiting, queue, published)."""
    import re

    totals = re.findall(r'<h2 id="(\w+)-h">[^<]*<span class="h-count">(\d+)</span>', page)
    return ", ".join(f"{name} {n}" for name, n in totals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="postgres://... built by bench/million.py")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()
    setup(args.url)

    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client

    from claims.models import Claim

    claims = Claim.objects.count()
    users = get_user_model().objects
    editor = users.get(username="bench-editor")
    reviewer = (
        users.filter(groups__name="Reviewer")
        .annotate(n=Count("assigned_claims"))
        .order_by("-n")
        .first()
    )
    print(
        f"dashboard at {claims:,} claims ({args.runs} runs after {args.warmup} warm-up), "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    for who in (editor, reviewer):
        client = Client()
        client.force_login(who)
        m = measure(client, args.runs, args.warmup)
        print(
            f"  {who.username:<14} median {m['median']:6.1f} ms  p95 {m['p95']:6.1f} ms  "
            f"SQL {m['sql']:5.1f} ms in {m['queries']} queries  "
            f"this process's CPU {m['cpu']:5.1f} ms  {m['bytes']:,} bytes  "
            f"({shown(m['page'])})"
        )


if __name__ == "__main__":
    main()
