"""Build a PostgreSQL database of 1,000,000 claims for the HTTP benchmark (bench/http_bench.py).

    .venv/bin/python bench/million.py postgres://postgres@127.0.0.1:5432/fc_perf_bench
    .venv/bin/python bench/million.py URL --drop        # drop it again

Creates the database (refuses one that already holds claims), migrates it, then writes
synthetic but news-like data with COPY: 100,000 articles from 120 outlets (a Zipf share
each), 1,000,000 claims (3 to 17 an article) said by 5,000 people and organisations, the
statuses a desk that has worked for three years leaves behind (older claims more often
done), assignees, check-worthiness, verdicts (approved, superseded with a correction,
proposed, drafts), transitions, and similarity links (8% conflicting). The sentences are
templated from news vocabulary so that searches meet every selectivity: "Tarbela"
(about a hundred claims), "Khan" (a common surname), "Pakistan" and "percent" (in a third
of the articles), phrases such as "trade deal".

The tables' indexes and constraints are dropped before the COPY and built again after it
(what `pg_restore` does), then VACUUM ANALYZE. Simple-history rows are not written (nothing
the benchmark reads uses them); the word table that linking reads is, with COPY too.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import million_text as vocab
from million_text import Words, claim_sentence, filler_sentence, zipf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ARTICLES = 100_000
CLAIMS = 1_000_000
OUTLETS = 120
REVIEWERS = 30
EDITORS = 8
START = datetime(2023, 12, 1, tzinfo=UTC)
END = datetime(2026, 11, 30, tzinfo=UTC)
BENCH_TOKEN = "b" * 40  # the bench editor's API token (a throwaway database)


def _admin_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def create_database(url: str) -> None:
    import psycopg

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


TABLES = [
    "claims_outlet",
    "claims_claimant",
    "claims_article",
    "claims_claim",
    "claims_similarclaim",
    "claims_similarity_word",
    "reviews_verdict",
    "reviews_transition",
]


def drop_indexes(conn) -> list[str]:
    """Drop the loaded tables' constraints (but CHECKs) and indexes; return the DDL that
    makes them again, in an order that works (primary keys and uniques before foreign
    keys)."""
    ddl_first, ddl_fk, ddl_idx = [], [], []
    cons = conn.execute(
        """SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid)
             FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s)
              AND contype IN ('p', 'u', 'f')""",
        [TABLES],
    ).fetchall()
    # Foreign keys from tables we do not load (auth, history) point at these tables too.
    incoming = conn.execute(
        """SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid)
             FROM pg_constraint WHERE confrelid::regclass::text = ANY(%s)
              AND contype = 'f' AND NOT conrelid::regclass::text = ANY(%s)""",
        [TABLES, TABLES],
    ).fetchall()
    for table, name, kind, definition in incoming + cons:
        (ddl_fk if kind == "f" else ddl_first).append(
            f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        )
    idx = conn.execute(
        """SELECT indexname, indexdef FROM pg_indexes
            WHERE tablename = ANY(%s) AND indexname NOT IN (
                SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))""",
        [TABLES],
    ).fetchall()
    for table, name, _kind, _ in incoming:
        conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for table, name, _kind, _ in sorted(cons, key=lambda c: c[2] != "f"):
        conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT IF EXISTS "{name}"')
    for name, definition in idx:
        conn.execute(f'DROP INDEX IF EXISTS "{name}"')
        ddl_idx.append(definition)
    return ddl_first + ddl_idx + ddl_fk


def build(url: str, seed: int) -> None:
    import psycopg

    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from claims.models import Claim
    from claims.similarity import features  # for the word table that linking reads

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if Claim.objects.exists():
        sys.exit(f"{url} holds claims already; drop it first (--drop).")
    call_command("loaddata", str(ROOT / "fixtures" / "ratings.json"), verbosity=0)
    reviewer_group, editor_group = (
        Group.objects.get(name="Reviewer"),
        Group.objects.get(name="Editor"),
    )
    reviewers = [User.objects.create_user(f"reviewer{i}") for i in range(REVIEWERS)]
    editors = [User.objects.create_user(f"editor{i}") for i in range(EDITORS)]
    for u in reviewers:
        u.groups.add(reviewer_group)
    for u in editors:
        u.groups.add(editor_group)
    bench = User.objects.create_user("bench-editor")
    bench.groups.add(editor_group)
    Token.objects.create(user=bench, key=BENCH_TOKEN)
    from reviews.models import Rating

    ratings = list(Rating.objects.values_list("id", flat=True))
    print(f"migrated in {time.perf_counter() - started:.0f} s", flush=True)

    rng = random.Random(seed)
    w = Words(rng)
    conn = psycopg.connect(url)
    conn.execute("SET maintenance_work_mem = '512MB'")
    ddl = drop_indexes(conn)
    conn.commit()

    def copy(table: str, columns: list[str], rows) -> int:
        count = 0
        with (
            conn.cursor() as cur,
            cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp,
        ):
            for row in rows:
                cp.write_row(row)
                count += 1
        return count

    t = time.perf_counter()
    outlet_names = [
        "Dawn", "The Express Tribune", "The News", "Geo News", "ARY News", "Business Recorder",
        "DesiBlitz", "Al Jazeera", "Reuters", "BBC Urdu", "The Nation", "Daily Times",
    ]  # fmt: skip
    outlet_names += [f"Regional Herald {i}" for i in range(OUTLETS - len(outlet_names))]
    copy(
        "claims_outlet",
        ["id", "name", "domain"],
        ((i + 1, n, n.lower().replace(" ", "") + ".example") for i, n in enumerate(outlet_names)),
    )
    # Claimants: people (first x surname, Khan heaviest) and organisations.
    people = sorted({(f, s) for f in vocab.FIRST for s in vocab.SURNAMES})
    rng.shuffle(people)
    people = people[: 5000 - len(vocab.ORGS)]
    claimant_rows = [
        (i + 1, f"{f} {s}", "person", rng.choice(vocab.ROLES)) for i, (f, s) in enumerate(people)
    ]
    claimant_rows += [
        (len(claimant_rows) + i + 1, o, "organization", "") for i, o in enumerate(vocab.ORGS)
    ]
    copy("claims_claimant", ["id", "name", "kind", "role"], claimant_rows)
    surname_w = {s: 1 / (rank + 1) ** 0.6 for rank, s in enumerate(vocab.SURNAMES)}
    claimant_w = [surname_w[r[1].split()[-1]] if r[2] == "person" else 0.3 for r in claimant_rows]
    outlet_w = zipf(OUTLETS)

    # Claims per article: 3..17, summing to exactly CLAIMS.
    per_article = [rng.randint(3, 17) for _ in range(ARTICLES)]
    diff = CLAIMS - sum(per_article)
    i = 0
    while diff:
        step = 1 if diff > 0 else -1
        if 3 <= per_article[i] + step <= 17:
            per_article[i] += step
            diff -= step
        i = (i + 1) % ARTICLES
    span = (END - START).total_seconds()
    reviewer_ids = [u.pk for u in reviewers]
    editor_ids = [u.pk for u in editors]
    reviewer_w = zipf(len(reviewer_ids))
    # A second connection: one connection carries one COPY at a time. Its claims cannot see
    # the first's uncommitted articles, so it writes their date itself (claims 0014).
    conn2 = psycopg.connect(url)
    claims_f = conn2.cursor()
    claims_f.execute("ALTER TABLE claims_claim DISABLE TRIGGER claims_claim_article_published")
    article_cols = [
        "id", "url", "title", "outlet_id", "byline", "published", "language", "body",
        "content_hash", "created_at",
    ]  # fmt: skip
    claim_cols = [
        "id", "article_id", "source_url", "text", "span_start", "span_end", "claimant_id",
        "claim_date", "checkworthiness", "checkworthiness_reasons", "origin", "status",
        "assignee_id", "duplicate_of_id", "version", "created_at", "updated_at", "is_public",
        "article_published",
    ]  # fmt: skip
    verdict_rows, transition_rows = [], []
    claim_meta = []  # (claim id, article id, status, created) for links
    reasons_pool = [
        json.dumps(r)
        for r in (
            ["number"], ["number", "comparison"], ["statistic"], ["quote", "number"],
            ["superlative", "number"], ["date", "number"], [],
        )
    ]  # fmt: skip
    import hashlib

    claim_id = itertools.count(1)
    transition_id = itertools.count(1)
    verdict_id = itertools.count(1)
    with (
        conn.cursor() as acur,
        acur.copy(f"COPY claims_article ({', '.join(article_cols)}) FROM STDIN") as acp,
        claims_f.copy(f"COPY claims_claim ({', '.join(claim_cols)}) FROM STDIN") as ccp,
        psycopg.connect(url) as conn3,  # commits on leaving
        conn3.cursor().copy("COPY claims_similarity_word (word, claim_id) FROM STDIN") as wcp,
    ):
        for a in range(ARTICLES):
            frac = a / ARTICLES
            created = START + timedelta(seconds=span * frac + rng.random() * 60)
            published = (created - timedelta(days=rng.randint(0, 2))).date()
            year = published.year
            sentences: list[tuple[str, int | None]] = []
            n_claims = per_article[a]
            slots = [True] * n_claims + [False] * rng.randint(3, 10)
            rng.shuffle(slots)
            for is_claim in slots:
                if is_claim:
                    claimant = rng.choices(claimant_rows, claimant_w)[0]
                    sentences.append((claim_sentence(w, claimant[1], year), claimant[0]))
                else:
                    sentences.append((filler_sentence(w), None))
            title = f"{w.country()} and {w.country()}: {rng.choice(vocab.INDICATORS)} and {rng.choice(vocab.GOODS)} on the agenda"
            body_parts, spans, pos = [], [], 0
            for text, claimant_id in sentences:
                if body_parts:
                    pos += 1
                start = pos
                body_parts.append(text)
                pos += len(text)
                if claimant_id is not None:
                    spans.append((text, start, pos, claimant_id))
            body = " ".join(body_parts)
            outlet = rng.choices(range(1, OUTLETS + 1), outlet_w)[0]
            acp.write_row(
                (
                    a + 1,
                    f"https://{outlet_names[outlet - 1].lower().replace(' ', '')}.example/{year}/{a + 1}",
                    title,
                    outlet,
                    "Staff reporter",
                    published,
                    "en",
                    body,
                    hashlib.sha256(body.encode()).hexdigest(),
                    created,
                )
            )
            for k, (text, start, end, claimant_id) in enumerate(spans):
                cid = next(claim_id)
                ccreated = created + timedelta(milliseconds=k)
                # The older a claim, the likelier the desk has finished with it.
                age = 1 - frac
                roll = rng.random()
                p_done = 0.15 + 0.6 * age
                if roll < p_done * 0.55:
                    status = "published"
                elif roll < p_done:
                    status = "dismissed"
                elif roll < p_done + 0.04:
                    status = "proposed"
                elif roll < p_done + 0.16:
                    status = "in_review"
                else:
                    status = "new"
                assignee = None
                if status in ("in_review", "proposed", "published"):
                    assignee = rng.choices(reviewer_ids, reviewer_w)[0]
                updated = ccreated
                if status != "new":
                    updated = min(END, ccreated + timedelta(hours=rng.uniform(1, 24 * 40)))
                cw = round(min(1.0, max(0.0, rng.betavariate(2, 3))), 3)
                for word in features(text).words:
                    wcp.write_row((word[:100], cid))
                ccp.write_row(
                    (
                        cid,
                        a + 1,
                        "",
                        text,
                        start,
                        end,
                        claimant_id,
                        published,
                        cw,
                        rng.choice(reasons_pool),
                        "extracted",
                        status,
                        assignee,
                        None,
                        1 if status == "new" else rng.randint(2, 6),
                        ccreated,
                        updated,
                        status == "published",
                        published,
                    )
                )
                claim_meta.append((cid, a + 1, status))
                editor = rng.choice(editor_ids)
                step = (updated - ccreated) / 4
                if status == "dismissed":
                    transition_rows.append(
                        (next(transition_id), cid, "dismiss", "new", status, editor, "Opinion, not checkable.", None, None, updated)
                    )  # fmt: skip
                    continue
                if status == "new":
                    continue
                transition_rows.append(
                    (next(transition_id), cid, "assign", "new", "in_review", editor, "", None, assignee, ccreated + step)
                )  # fmt: skip
                if status == "in_review":
                    if rng.random() < 0.4:
                        vid = next(verdict_id)
                        verdict_rows.append(
                            (vid, cid, rng.choice(ratings), "Draft summary.", "Checking the figures.", assignee, "draft", None, None, None, None, None, "", ccreated + step, updated)
                        )  # fmt: skip
                    continue
                rating = rng.choice(ratings)
                summary = rng.choice(
                    ["The official figures say otherwise.", "Accurate, with context missing.",
                     "The number is out of date.", "Correct according to the statistics bureau."]
                )  # fmt: skip
                vid = next(verdict_id)
                transition_rows.append(
                    (next(transition_id), cid, "propose", "in_review", "proposed", assignee, "", vid, None, ccreated + 2 * step)
                )  # fmt: skip
                if status == "proposed":
                    verdict_rows.append(
                        (vid, cid, rating, summary, "Compared with the published statistics.", assignee, "proposed", assignee, ccreated + 2 * step, None, None, None, "", ccreated + step, updated)
                    )  # fmt: skip
                    continue
                superseded = None
                note = ""
                if rng.random() < 0.02:
                    superseded = vid
                    verdict_rows.append(
                        (vid, cid, rng.choice(ratings), summary, "First check.", assignee, "superseded", assignee, ccreated + 2 * step, editor, ccreated + 3 * step, None, "", ccreated + step, ccreated + 3 * step)
                    )  # fmt: skip
                    vid = next(verdict_id)
                    note = "Corrected: the earlier verdict used last year's figures."
                verdict_rows.append(
                    (vid, cid, rating, summary, "Compared with the published statistics.", assignee, "approved", assignee, ccreated + 2 * step, editor, updated, superseded, note, ccreated + step, updated)
                )  # fmt: skip
                transition_rows.append(
                    (next(transition_id), cid, "publish", "proposed", "published", editor, "", vid, None, updated)
                )  # fmt: skip
            if a % 20_000 == 19_999:
                print(f"  {a + 1:,} articles written", flush=True)
    claims_f.execute("ALTER TABLE claims_claim ENABLE TRIGGER claims_claim_article_published")
    conn2.commit()
    conn2.close()
    print(f"articles and claims copied in {time.perf_counter() - t:.0f} s", flush=True)
    t = time.perf_counter()
    copy(
        "reviews_verdict",
        [
            "id",
            "claim_id",
            "rating_id",
            "summary",
            "rationale",
            "author_id",
            "state",
            "proposed_by_id",
            "proposed_at",
            "approver_id",
            "approved_at",
            "supersedes_id",
            "correction_note",
            "created_at",
            "updated_at",
            "withdrawal_note",
        ],
        ((*row, "") for row in verdict_rows),
    )
    copy(
        "reviews_transition",
        [
            "id",
            "claim_id",
            "action",
            "from_status",
            "to_status",
            "actor_id",
            "comment",
            "verdict_id",
            "assignee_id",
            "created_at",
        ],
        transition_rows,
    )
    # Similarity links between claims of nearby articles; 8% of them conflicting.
    links = set()
    while len(links) < CLAIMS // 8:
        x = rng.randrange(len(claim_meta))
        y = min(len(claim_meta) - 1, x + rng.randint(20, 400))
        a_, b_ = claim_meta[x], claim_meta[y]
        if a_[1] != b_[1]:
            links.add((a_[0], b_[0]))
    now = END
    copy(
        "claims_similarclaim",
        ["id", "from_claim_id", "to_claim_id", "score", "conflicting", "conflict_detail", "decision", "created_at"],
        (
            (i + 1, f, t_, round(rng.uniform(0.6, 1), 3), c, "40 percent vs 45 percent" if c else "", "pending", now)
            for i, (f, t_) in enumerate(sorted(links))
            for c in [rng.random() < 0.08]
        ),
    )  # fmt: skip
    conn.commit()
    print(
        f"{len(verdict_rows):,} verdicts, {len(transition_rows):,} transitions, "
        f"{len(links):,} links copied in {time.perf_counter() - t:.0f} s",
        flush=True,
    )
    t = time.perf_counter()
    for statement in ddl:
        conn.execute(statement)
    for table in [t for t in TABLES if t != "claims_similarity_word"]:  # it has no id
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )
    conn.commit()
    print(f"indexes and constraints built in {time.perf_counter() - t:.0f} s", flush=True)
    conn.autocommit = True
    t = time.perf_counter()
    conn.execute("VACUUM ANALYZE")
    print(f"VACUUM ANALYZE in {time.perf_counter() - t:.0f} s", flush=True)
    print(
        f"built {ARTICLES:,} articles and {CLAIMS:,} claims in {time.perf_counter() - started:.0f} s"
    )


def main() -> None:
    global ARTICLES, CLAIMS
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="postgres://... of the database to build")
    parser.add_argument("--drop", action="store_true", help="drop the database and exit")
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--claims", type=int, default=CLAIMS, help="a smaller build to try")
    args = parser.parse_args()
    CLAIMS, ARTICLES = args.claims, args.claims // 10
    if not args.url.startswith(("postgres://", "postgresql://")):
        sys.exit("million.py needs a postgres:// url")
    if args.drop:
        drop_database(args.url)
        print("dropped")
        return
    create_database(args.url)
    build(args.url, args.seed)


if __name__ == "__main__":
    main()
