"""Load benchmark: generated articles through the intake service, against Django's loaddata.

Usage:
    python bench/load_bench.py [--articles 10000] [--sentences 30] [--jobs 2]
                               [--small 1000] [--postgres postgres://.../fc_intake_bench]

Steps, each in a fresh process and a fresh database (SQLite under a temporary folder, or
the PostgreSQL database given, dropped and re-created):

1. write N articles of S sentences as JSON Lines, a line at a time;
2. load them with the intake service (read_path -> extraction -> load_article, one
   transaction per article, claims bulk-inserted), as `load_articles --jobs J` does;
   similarity linking is queued (collected) as it would be for a worker, not run inline,
   and is timed on its own afterwards for a sample of the new claims;
3. the same for a smaller run, to show peak memory does not grow with the article count;
4. dump the rows the load created (outlets, articles, claimants, claims) as a fixture,
   then time `loaddata` of that fixture into an empty database: the ratio to beat.

Prints articles/s, claims/s, peak memory (max RSS of the loading process and of its
extraction workers), total time, and the loaddata ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# -- generated articles ---------------------------------------------------------------------

FIRST = ["Imran", "Amina", "Farid", "Sara", "Omar", "Lena", "Pedro", "Mei", "Tariq", "Nadia"]
LAST = ["Khan", "Qureshi", "Malik", "Novak", "Silva", "Chen", "Haddad", "Okafor", "Larsen", "Rao"]
ROLES = ["Foreign Minister", "Finance Minister", "President", "Prime Minister", "Senator"]
PLACES = ["Moscow", "Islamabad", "Kabul", "Beijing", "Delhi", "Karachi", "Tashkent", "Ankara"]
ORGS = ["the World Bank", "the Ministry of Energy", "the central bank", "the United Nations"]
THINGS = ["gas pipeline", "rail link", "trade deal", "aid package", "power plant", "port"]
UNITS = ["countries", "people", "troops", "votes", "barrels", "tonnes", "members"]
MONTHS = ["January", "February", "March", "April", "June", "July", "September", "October"]


def _sentence(r: random.Random, person: str, role: str) -> str:
    place, other = r.sample(PLACES, 2)
    thing = r.choice(THINGS)
    n = r.randint(2, 990)
    surname = person.split()[-1]
    templates = [
        f"{role} {person} met officials in {place} on {r.choice(MONTHS)} {r.randint(1, 28)} "
        f"to discuss the {thing}.",
        f"The {thing} between {place} and {other} will cost ${r.randint(1, 9)}."
        f"{r.randint(1, 9)} billion, according to {r.choice(ORGS)}.",
        f"It was the first visit by a leader from {place} in {r.randint(5, 40)} years.",
        f"“We will not be anyone’s slave,” {surname} said at a rally in {place}.",
        f"Some {n} {r.choice(UNITS)} were counted in {place} last year, up from {n - 1}.",
        f"Trade between {place} and {other} rose by {r.randint(2, 60)} percent in "
        f"{r.randint(2000, 2023)}.",
        f"The weather in {place} was pleasant and crowds gathered near the river.",
        f"Critics say the {thing} is a turning point for the region.",
        f"{place} abstained along with {r.randint(10, 50)} other countries in the vote.",
        f"Officials in {place} declined to comment on the {thing}.",
        f"He told reporters that {place} had received {n} {r.choice(UNITS)} in aid since "
        f"{r.choice(MONTHS)}.",
        f"Dr. {r.choice(LAST)} of the U.N. agency said the figures were checked in {place}.",
    ]
    return r.choice(templates)


def generate_article(i: int, sentences: int) -> dict:
    """One article: a title line, then paragraphs of one to three sentences."""
    r = random.Random(i)
    person = f"{r.choice(FIRST)} {r.choice(LAST)}"
    role = r.choice(ROLES)
    paragraphs, left = [], sentences
    while left:
        size = min(left, r.randint(1, 3))
        paragraphs.append(" ".join(_sentence(r, person, role) for _ in range(size)))
        left -= size
    title = f"{role} {person} in {r.choice(PLACES)} (report {i})"
    return {
        "url": f"https://bench.example/news/{i}",
        "title": title,
        "outlet": f"Bench Outlet {i % 20}",
        "byline": r.choice(LAST),
        "published": f"2022-{1 + i % 9:02d}-{1 + i % 28:02d}",
        "text": title + "\n\n" + "\n\n".join(paragraphs) + "\n",
    }


def write_jsonl(path: Path, articles: int, sentences: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i in range(articles):
            out.write(json.dumps(generate_article(i, sentences), ensure_ascii=False) + "\n")


# -- phases, each run in its own process ------------------------------------------------------


def _django(database_url: str | None, var_dir: str) -> None:
    os.environ["FACTCHECK_VAR_DIR"] = var_dir
    # Production settings: DEBUG off (no query log), a real-looking key.
    os.environ["DEBUG"] = "0"
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["ALLOWED_HOSTS"] = "localhost"
    os.environ.pop("CELERY_BROKER_URL", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _peak_mb(who: int) -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(who).ru_maxrss / 1024


def phase_load(args) -> dict:
    _django(args.database_url, args.var_dir)
    from claims.loading import InputError, extracted_in_parallel, load_articles, read_path
    from claims.models import Claim

    queued: list[int] = []
    refused = articles = claims = 0
    cpu_before = time.process_time()
    started = time.perf_counter()
    # What `load_articles --jobs J PATH` does, minus its one printed line per article.
    items = read_path(args.file)
    if args.jobs > 1:
        items = extracted_in_parallel(items, jobs=args.jobs)
    for result in load_articles(items, link=lambda ids: queued.append(len(ids))):
        if isinstance(result, InputError):
            refused += 1
            continue
        articles += result.outcome == "new"
        claims += result.claims_created
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    out = {
        "articles": articles,
        "claims": claims,
        "refused": refused,
        "seconds": elapsed,
        # CPU time of this process: reading and the database work, plus extraction when
        # jobs=1 (with jobs > 1 the extraction runs in the worker processes).
        "loader_cpu_seconds": cpu,
        "linking_batches_queued": len(queued),
        "peak_mb": _peak_mb(resource.RUSAGE_SELF),
        "workers_peak_mb": _peak_mb(resource.RUSAGE_CHILDREN),
    }
    if args.link_sample:
        from claims.similarity import link_similar

        # What a worker does with the queued batches, oldest first, for the first claims.
        sample = list(Claim.objects.order_by("id").values_list("id", flat=True)[: args.link_sample])
        started = time.perf_counter()
        links = 0
        for at in range(0, len(sample), 2000):
            links += link_similar(sample[at : at + 2000])
        out["link_sample"] = {
            "claims": len(sample),
            "links": links,
            "seconds": time.perf_counter() - started,
        }
    if args.dump:
        from django.core.management import call_command

        with open(args.dump, "w", encoding="utf-8") as fixture:
            call_command(
                "dumpdata",
                "claims.outlet",
                "claims.claimant",
                "claims.article",
                "claims.claim",
                # The claims' "created" history rows: intake writes them, so they are
                # part of the same rows.
                "claims.historicalclaim",
                stdout=fixture,
            )
    return out


def phase_loaddata(args) -> dict:
    _django(args.database_url, args.var_dir)
    from django.core.management import call_command

    from claims.models import Article, Claim

    started = time.perf_counter()
    call_command("loaddata", args.dump, verbosity=0)
    elapsed = time.perf_counter() - started
    return {
        "articles": Article.objects.count(),
        "claims": Claim.objects.count(),
        "seconds": elapsed,
        "peak_mb": _peak_mb(resource.RUSAGE_SELF),
    }


# -- orchestration ------------------------------------------------------------------------------


def _fresh_postgres(url: str) -> None:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    for sql in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", admin, "-qc", sql], check=True, capture_output=True)


def _phase(phase: str, **options) -> dict:
    command = [sys.executable, __file__, "--phase", phase]
    for key, value in options.items():
        if value is not None:
            command += [f"--{key.replace('_', '-')}", str(value)]
    done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _database(postgres: str | None, tmp: Path, label: str) -> tuple[str | None, str]:
    var_dir = tmp / label
    var_dir.mkdir()
    if postgres:
        _fresh_postgres(postgres)
    return postgres, str(var_dir)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=1_000, help="the run memory is compared to")
    parser.add_argument("--sentences", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--link-sample", type=int, default=4_000, help="claims to link")
    parser.add_argument("--postgres", help="postgres://... of a scratch database (dropped)")
    parser.add_argument("--no-loaddata", action="store_true")
    # Internal: one phase in this process.
    parser.add_argument("--phase", choices=["load", "loaddata"], help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--var-dir", help=argparse.SUPPRESS)
    parser.add_argument("--dump", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase:
        run = phase_load if args.phase == "load" else phase_loaddata
        print(json.dumps(run(args)))
        return

    database = f"PostgreSQL ({args.postgres.rsplit('/', 1)[-1]})" if args.postgres else "SQLite"
    print(f"database: {database}; {args.sentences} sentences an article; jobs={args.jobs}")
    with tempfile.TemporaryDirectory(prefix="load-bench-") as tmp_name:
        tmp = Path(tmp_name)
        results = {}
        for count in (args.small, args.articles):
            feed = tmp / f"articles-{count}.jsonl"
            started = time.perf_counter()
            write_jsonl(feed, count, args.sentences)
            generated = time.perf_counter() - started
            url, var_dir = _database(args.postgres, tmp, f"load-{count}")
            big = count == args.articles
            results[count] = _phase(
                "load",
                file=feed,
                database_url=url,
                var_dir=var_dir,
                jobs=args.jobs,
                link_sample=args.link_sample if big else 0,
                dump=tmp / "fixture.json" if big and not args.no_loaddata else None,
            )
            r = results[count]
            print(
                f"\nintake, {count:,} articles ({feed.stat().st_size / 1e6:.1f} MB JSON Lines, "
                f"generated in {generated:.1f} s):\n"
                f"  {r['articles']:,} articles, {r['claims']:,} claims in {r['seconds']:.1f} s\n"
                f"  {r['articles'] / r['seconds']:,.0f} articles/s, "
                f"{r['claims'] / r['seconds']:,.0f} claims/s; "
                f"loader process CPU {r['loader_cpu_seconds']:.1f} s (reading and database work"
                f"{'' if args.jobs > 1 else ', extraction'})\n"
                f"  peak memory: loader {r['peak_mb']:.0f} MB, "
                f"extraction workers {r['workers_peak_mb']:.0f} MB each at most\n"
                f"  similarity linking queued in {r['linking_batches_queued']} batches"
            )
            if "link_sample" in r:
                s = r["link_sample"]
                print(
                    f"  similarity linking (as the worker would) of the first {s['claims']:,} "
                    f"claims, in batches of 2,000: {s['seconds']:.1f} s "
                    f"({s['claims'] / s['seconds']:,.0f} claims/s), {s['links']:,} links"
                )
        small, large = results[args.small], results[args.articles]
        print(
            f"\nmemory flat in the number of articles: peak {small['peak_mb']:.0f} MB at "
            f"{args.small:,} vs {large['peak_mb']:.0f} MB at {args.articles:,}"
        )
        verdict = "under" if large["seconds"] < 60 else "OVER"
        print(f"total load time for {args.articles:,}: {large['seconds']:.1f} s ({verdict} 60 s)")

        if not args.no_loaddata:
            fixture = tmp / "fixture.json"
            url, var_dir = _database(args.postgres, tmp, "loaddata")
            r = _phase("loaddata", dump=fixture, database_url=url, var_dir=var_dir)
            ratio = r["seconds"] / large["seconds"]
            storing = r["seconds"] / large["loader_cpu_seconds"]
            print(
                f"\nloaddata of the same rows ({fixture.stat().st_size / 1e6:.0f} MB fixture): "
                f"{r['articles']:,} articles, {r['claims']:,} claims in {r['seconds']:.1f} s, "
                f"peak {r['peak_mb']:.0f} MB\n"
                f"intake, extraction included, is {ratio:.1f}x as fast as loaddata "
                f"({'meets' if ratio >= 10 else 'misses'} the 10x target); its reading and "
                f"database work alone (the loader process's CPU time) is {storing:.1f}x as fast"
            )


if __name__ == "__main__":
    main()
