"""The claim list, its filters, sorts and search as users meet them: over HTTP, under
gunicorn on loopback, against a plain psycopg server serving the same JSON.

    .venv/bin/python bench/million.py postgres://postgres@127.0.0.1:5432/fc_perf_bench
    .venv/bin/python bench/http_bench.py postgres://postgres@127.0.0.1:5432/fc_perf_bench

Starts two gunicorn servers with as many sync workers as the machine has cores: the app
(DEBUG off, and the database connections production.env.example ships: CONN_MAX_AGE and
CONN_HEALTH_CHECKS read from it, so a worker keeps its connection as the plain server
does; --cache-url for the shared cache the rate limits count in, as production sets
CACHE_URL) on --port, and bench/plain_server.py on --port + 1. Every case is requested
of both in turn, --runs times, one request at a time, a new HTTP connection each
(gunicorn's sync workers close it);
printed are the medians (and the API's p95). The plain server answers from the SQL a
person would write for the case; for search the SQL alone is timed too (for rare words
the matching ids' query and the page's, as both servers send them). The first
page's bytes are compared (they must be equal), and every case's rows and next link.
Throughput is wrk (Debian's `wrk`) against the first page, a few connections for a few
seconds each.

A script, not a test: it prints figures and asserts nothing about time.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.million import BENCH_TOKEN  # noqa: E402
from bench.plain_server import MATCHING_IDS, page_sql  # noqa: E402

HOST = "bench.local"
HEADERS = {"Authorization": f"Token {BENCH_TOKEN}", "Host": HOST}
# Every match counted once (a scan with the matching articles hashed), whichever shape the
# page took.
COUNT_SQL = """SELECT count(*) FROM claims_claim c
 WHERE c.search_vector @@ websearch_to_tsquery('english', %s)
    OR c.article_id IN (SELECT id FROM claims_article
                         WHERE search_vector @@ websearch_to_tsquery('english', %s))"""
SEARCHES = [
    "Tarbela",  # rare: a few dozen claims
    "Gwadar",
    "Kalabagh dam",  # rare and a common word
    "Khan",  # the common surname
    "Zelensky",
    "Pakistan",  # common words: in most articles
    "percent",
    "inflation",
    "Khan Moscow",  # two words
    "wheat exports",
    "IMF loan",
    '"trade deal"',  # phrases
    '"first visit"',
    '"gas pipeline"',
    '"clean water"',
    "wheat or sugar",  # or
    "Kyiv or Moscow",
    "Pakistan -Russia",  # negation
    "police march Islamabad",  # three words
    "Sharif trade deal percent",  # four
]


def production_settings(names: tuple[str, ...]) -> dict[str, str]:
    """The values production.env.example gives `names`: what a deployment runs with."""
    found = {}
    for text in (ROOT / "production.env.example").read_text().splitlines():
        name, sep, value = text.partition("=")
        if sep and name.strip() in names:
            found[name.strip()] = value.strip()
    missing = set(names) - set(found)
    if missing:
        sys.exit(f"production.env.example does not set {', '.join(sorted(missing))}")
    return found


def start(cmd: list[str], env: dict, port: int, log: Path) -> subprocess.Popen:
    proc = subprocess.Popen(cmd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _, _ = get(port, "/api/v1/claims/?page_size=1")
            if status == 200:
                return proc
        except OSError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.3)
    proc.kill()
    sys.exit(f"server on port {port} did not start; see {log}:\n{log.read_text()[-2000:]}")


def get(port: int, path: str) -> tuple[int, bytes, float]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers=HEADERS)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body, (time.perf_counter() - started) * 1000


def ids(body: bytes) -> list[int]:
    return [row["id"] for row in json.loads(body)["results"]]


def content(body: bytes) -> dict:
    """The page without its previous link (which the plain server does not compute)."""
    page = json.loads(body)
    page.pop("previous", None)
    return page


def measure(ports: tuple[int, int], path: str, runs: int) -> dict:
    """Medians of the API and the plain server for one path, asked in turn."""
    results = []
    for port in ports:  # warm up, and check both answer the same claims
        status, body, _ = get(port, path)
        if status != 200:
            sys.exit(f"{path} on port {port}: HTTP {status}: {body[:300]!r}")
        results.append(body)
    same = content(results[0]) == content(results[1])
    times: list[list[float]] = [[], []]
    for _ in range(runs):
        for i, port in enumerate(ports):
            times[i].append(get(port, path)[2])
    api, plain = times
    return {
        "api": statistics.median(api),
        "api_p95": sorted(api)[int(0.95 * (len(api) - 1))],
        "plain": statistics.median(plain),
        "rows": len(ids(results[0])),
        "same": same,
        "body": results[0],
    }


def cursor(position: str | int) -> str:
    """A cursor as DRF writes it: the position urlencoded, then base64."""
    return quote(base64.b64encode(urlencode({"p": str(position)}).encode()).decode())


def line(name: str, m: dict, extra: str = "") -> None:
    flag = "" if m["same"] else "  [ROWS DIFFER FROM THE BASELINE]"
    print(
        f"{name:<58} {m['api']:8.1f} {m['api_p95']:8.1f} {m['plain']:8.1f} "
        f"{m['api'] / m['plain']:6.2f}x {m['rows']:4d}{extra}{flag}",
        flush=True,
    )


def header(title: str) -> None:
    print(f"\n{title}")
    print(f"{'case':<58} {'API p50':>8} {'API p95':>8} {'plain':>8} {'ratio':>7} rows")


def wrk(port: int, path: str, seconds: int, connections: int) -> float:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
        + [arg for k, v in HEADERS.items() for arg in ("-H", f"{k}: {v}")]
        + [f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for text in out.splitlines():
        if text.startswith("Requests/sec:"):
            return float(text.split()[1])
    raise RuntimeError(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="postgres://... built by bench/million.py")
    parser.add_argument("--port", type=int, default=18501)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--runs", type=int, default=15, help="timed requests per case and server")
    parser.add_argument("--seconds", type=int, default=8, help="each wrk run")
    parser.add_argument(
        "--cache-url",
        default=os.environ.get("CACHE_URL", ""),
        help="the app's CACHE_URL (redis://...; default: $CACHE_URL, else each worker's memory)",
    )
    parser.add_argument(
        "--only", default="list,filters,deep,pairs,search,throughput", help="comma-separated groups"
    )
    args = parser.parse_args()
    # Stopped from outside: still stop the servers (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    groups = set(args.only.split(","))
    import psycopg

    db = psycopg.connect(
        args.url, autocommit=True, options="-c TimeZone=UTC", prepare_threshold=None
    )
    n_claims = db.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'claims_claim'")
    print(f"database {urlsplit(args.url).path[1:]}: about {n_claims.fetchone()[0]:,} claims")
    gunicorn = str(ROOT / ".venv" / "bin" / "gunicorn")
    if not Path(gunicorn).exists():
        sys.exit("gunicorn is not installed in .venv")
    var = Path(tempfile.mkdtemp(prefix="http-bench-"))
    env = {
        **os.environ,
        "DATABASE_URL": args.url,
        "PLAIN_DATABASE_URL": args.url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": f"{HOST},127.0.0.1",
        "API_THROTTLE_USER": "100000000/min",
        "API_THROTTLE_ANON": "100000000/min",
        "LOG_LEVEL": "WARNING",
        "FACTCHECK_VAR_DIR": str(var),
        # Kept connections as production ships them; a new connection a request measures
        # a configuration nobody runs.
        **production_settings(("CONN_MAX_AGE", "CONN_HEALTH_CHECKS")),
        "CACHE_URL": args.cache_url,
    }
    common = ["--workers", str(args.workers), "--worker-class", "sync", "--timeout", "120"]
    api_port, plain_port = args.port, args.port + 1
    servers = [
        start(
            [gunicorn, *common, "-b", f"127.0.0.1:{api_port}", "factcheck.wsgi:application"],
            env,
            api_port,
            var / "api.log",
        ),
        start(
            [gunicorn, *common, "-b", f"127.0.0.1:{plain_port}", "bench.plain_server:app"],
            {**env, "PYTHONPATH": str(ROOT)},
            plain_port,
            var / "plain.log",
        ),
    ]
    ports = (api_port, plain_port)
    print(
        f"gunicorn: {args.workers} sync workers each; API on {api_port}, plain on {plain_port}; "
        f"{args.runs} runs a case; times in ms; load average {os.getloadavg()[0]:.2f}"
    )
    print(
        f"app: CONN_MAX_AGE={env['CONN_MAX_AGE']} CONN_HEALTH_CHECKS={env['CONN_HEALTH_CHECKS']}"
        f" CACHE_URL={args.cache_url or '(none: memory)'}"
    )
    try:
        first = "/api/v1/claims/?page_size=100"
        if "list" in groups:
            header("the claim list, page of 100")
            m = measure(ports, first, args.runs)
            plain_body = get(plain_port, first)[1]
            same_bytes = m["body"] == plain_body
            line("first page", m, "" if same_bytes else "  [BYTES DIFFER]")
            print(
                f"  first page bytes equal to the plain server's: {same_bytes} "
                f"({len(plain_body):,} bytes)"
            )
            deep = db.execute("SELECT id FROM claims_claim ORDER BY id DESC OFFSET 899999 LIMIT 1")
            deep_id = deep.fetchone()[0]
            d = measure(ports, f"{first}&cursor={cursor(deep_id)}", args.runs)
            line(
                "page at depth 900,000 (cursor)", d, f"  {d['api'] / m['api']:.2f}x the first page"
            )
        # Values that exist and matter: the busiest reviewer, the biggest outlet and one
        # from the tail, a prolific claimant, a month of claims, a common rating.
        assignee = db.execute(
            "SELECT assignee_id FROM claims_claim WHERE assignee_id IS NOT NULL "
            "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        claimant = db.execute(
            "SELECT claimant_id FROM claims_claim GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        small_claimant = db.execute(
            "SELECT claimant_id FROM claims_claim GROUP BY 1 ORDER BY count(*) LIMIT 1"
        ).fetchone()[0]
        filters = {
            "status=new": "status=new",
            "status=in_review": "status=in_review",
            "status=proposed": "status=proposed",
            "status=published": "status=published",
            "status=dismissed": "status=dismissed",
            "status=new&status=in_review": "status=new&status=in_review",
            f"assignee={assignee} (busiest)": f"assignee={assignee}",
            "outlet=1 (biggest)": "outlet=1",
            "outlet=100 (small)": "outlet=100",
            f"claimant={claimant} (most claims)": f"claimant={claimant}",
            f"claimant={small_claimant} (fewest)": f"claimant={small_claimant}",
            "article=50000": "article=50000",
            "created_after=2026-06-01": "created_after=2026-06-01",
            "created_before=2024-06-01": "created_before=2024-06-01",
            "created 2025-03-01..2025-03-31": "created_after=2025-03-01&created_before=2025-03-31",
            "claim_date_after=2026-06-01": "claim_date_after=2026-06-01",
            "claim_date 2025-03-01..2025-03-31": (
                "claim_date_after=2025-03-01&claim_date_before=2025-03-31"
            ),
            "rating=false": "rating=false",
            "rating=misleading": "rating=misleading",
            "ordering=id": "ordering=id",
            "ordering=-created_at": "ordering=-created_at",
            "ordering=created_at": "ordering=created_at",
            "ordering=-updated_at": "ordering=-updated_at",
            "ordering=updated_at": "ordering=updated_at",
        }
        if "filters" in groups:
            header("one filter or sort, first page of 100")
            for name, query in filters.items():
                line(name, measure(ports, f"{first}&{query}", args.runs))
        if "deep" in groups:
            header("a sort, page at depth 900,000 (cursor)")
            for field in ("created_at", "updated_at"):
                pos = db.execute(
                    f"SELECT {field} FROM claims_claim ORDER BY {field} DESC, id DESC "
                    "OFFSET 899999 LIMIT 1"
                ).fetchone()[0]
                line(
                    f"ordering=-{field}, page at depth 900,000",
                    measure(ports, f"{first}&ordering=-{field}&cursor={cursor(pos)}", args.runs),
                )
        pairs = [
            "status=new&ordering=-created_at",
            "status=new&ordering=-updated_at",
            "status=published&ordering=-updated_at",
            "status=in_review&assignee=A",
            "status=proposed&ordering=updated_at",
            "status=new&outlet=1",
            "status=published&outlet=100",
            "status=new&claimant=C",
            "status=published&rating=false",
            "status=dismissed&created_after=2026-01-01",
            "outlet=1&ordering=-created_at",
            "outlet=1&claimant=C",
            "assignee=A&ordering=-updated_at",
            "assignee=A&rating=false",
            "claimant=C&ordering=-updated_at",
            "rating=false&ordering=-created_at",
            "created_after=2026-06-01&ordering=-updated_at",
            "claim_date_after=2025-03-01&claim_date_before=2025-03-31&status=new",
            "created_after=2025-03-01&created_before=2025-03-31&outlet=1",
        ]
        if "pairs" in groups:
            header("two filters or a filter and a sort, page 2 (the next cursor of page 1)")
            for pair in pairs:
                query = pair.replace("=A", f"={assignee}").replace("=C", f"={claimant}")
                _, body, _ = get(api_port, f"{first}&{query}")
                next_url = json.loads(body)["next"]
                if next_url is None:
                    line(f"{query} (one page only)", measure(ports, f"{first}&{query}", args.runs))
                    continue
                path = next_url.split(HOST, 1)[1]
                line(query, measure(ports, path, args.runs))
        if "search" in groups:
            print("\nsearch, page of 25 (the API's default)")
            print(
                f"{'query':<30} {'matches':>9} {'API p50':>8} {'API p95':>8} {'plain':>8} "
                f"{'SQL':>7} {'API/SQL':>8}"
            )
            for q in SEARCHES:
                sql, sql_args, _, _ = page_sql({"search": [q]}, 0, db)
                count = db.execute(COUNT_SQL, [q, q]).fetchone()[0]
                m = measure(ports, f"/api/v1/claims/?search={quote(q)}", args.runs)
                sql_times = []
                for _ in range(args.runs):
                    started = time.perf_counter()
                    if "ids" in sql_args:  # rare words: the ids' query, then the page's
                        db.execute(MATCHING_IDS, sql_args).fetchall()
                    db.execute(sql, sql_args).fetchall()
                    sql_times.append((time.perf_counter() - started) * 1000)
                sql_ms = statistics.median(sql_times)
                flag = "" if m["same"] else "  [ROWS DIFFER]"
                print(
                    f"{q:<30} {count:>9,} {m['api']:8.1f} {m['api_p95']:8.1f} {m['plain']:8.1f} "
                    f"{sql_ms:7.1f} {m['api'] / sql_ms:7.2f}x{flag}",
                    flush=True,
                )
        if "throughput" in groups and shutil.which("wrk"):
            connections = 2 * args.workers
            print(
                f"\nthroughput of the first page of 100: wrk, {connections} connections, "
                f"{args.seconds} s a run"
            )
            rates: list[list[float]] = [[], []]
            for _ in range(2):
                for i, port in enumerate(ports):
                    rates[i].append(wrk(port, first, args.seconds, connections))
            api_rps, plain_rps = (statistics.median(r) for r in rates)
            print(
                f"API {api_rps:.0f} requests/s, plain {plain_rps:.0f} requests/s: "
                f"{100 * api_rps / plain_rps:.0f}% (runs: API {rates[0]}, plain {rates[1]})"
            )
        elif "throughput" in groups:
            print("\nthroughput: wrk is not installed (apt-get install wrk)")
    finally:
        for proc in servers:
            proc.terminate()
        for proc in servers:
            proc.wait(timeout=30)
        shutil.rmtree(var, ignore_errors=True)
        print(f"\nload average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
