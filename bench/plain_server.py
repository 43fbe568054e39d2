"""The baseline of bench/http_bench.py: the claim list served by plain psycopg, no Django.

    PLAIN_DATABASE_URL=postgres://... .venv/bin/gunicorn -w 2 -b 127.0.0.1:18502 \
        bench.plain_server:app

A WSGI app that answers GET /api/v1/claims/ with the same JSON as the API's claim list
(for the token's user: its rows, its cursor links, its `actions`), from one SQL query a
page plus one for the token, on one connection per worker kept open. It understands the
same query parameters the API's list does (status, article, outlet, claimant, assignee,
rating, created_after/before, claim_date_after/before, search, ordering, cursor,
page_size), each as the SQL a person would write for it by hand. It is what the API's
overhead is measured against: the same bytes, with nothing but the database work and
json.dumps.
"""

from __future__ import annotations

import base64
import json
import os
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlencode

import psycopg

_conn: psycopg.Connection | None = None
_perms: dict[int, frozenset[str]] = {}

COLUMNS = """
    c.id, c.text, c.status, c.version, c.origin, c.source_url, c.span_start, c.span_end,
    c.claim_date, c.checkworthiness, c.checkworthiness_reasons, c.duplicate_of_id,
    c.created_at, c.updated_at, c.assignee_id,
    a.id, a.url, a.title, a.published, o.id, o.name, o.domain,
    p.id, p.name, p.kind, p.role, u.username,
    v.id, v.summary, v.approved_at, v.correction_note,
    r.id, r.slug, r.label, r.value, r.best_value, r.worst_value, r.colour, r.description,
    pv.proposed_by_id, c.is_public, c.under_review_since, w.withdrawal_note, w.withdrawn_at,
    EXISTS (SELECT 1 FROM reviews_verdictcontribution vc
             WHERE vc.verdict_id = pv.id AND vc.user_id = %(user)s)
"""
JOINS = """
      LEFT JOIN claims_article a ON a.id = c.article_id
      LEFT JOIN claims_outlet o ON o.id = a.outlet_id
      LEFT JOIN claims_claimant p ON p.id = c.claimant_id
      LEFT JOIN auth_user u ON u.id = c.assignee_id
      LEFT JOIN reviews_verdict v ON v.claim_id = c.id AND v.state = 'approved'
      LEFT JOIN reviews_rating r ON r.id = v.rating_id
      LEFT JOIN reviews_verdict pv ON pv.claim_id = c.id AND pv.state = 'proposed'
      LEFT JOIN LATERAL (
        SELECT withdrawal_note, withdrawn_at FROM reviews_verdict
         WHERE claim_id = c.id AND state = 'withdrawn' AND v.id IS NULL
         ORDER BY withdrawn_at DESC, id DESC LIMIT 1
      ) w ON true
"""
# Other publishers' fact checks of the page's claims, best first (for readers of them).
MATCHES = """
    SELECT m.claim_id, e.publisher, e.rating_text, e.rating_value, e.best_rating, er.slug,
           er.label, e.url, e.claim_text, e.review_date, m.score
      FROM reviews_externalmatch m
      JOIN reviews_externalfactcheck e ON e.id = m.external_id
      LEFT JOIN reviews_rating er ON er.id = e.rating_id
     WHERE m.claim_id = ANY(%s)
     ORDER BY m.claim_id, m.score DESC, m.id
"""
MATCHES_PER_CLAIM = 3
# Words in at most 1% of the articles (the planner's estimate): the matching claims' ids
# read first, and the page read by them, one array (claims/selectors.py's choice).
MATCHING_IDS = """SELECT f.id FROM claims_claim f
     WHERE f.search_vector @@ websearch_to_tsquery('english', %(q)s)
        OR f.article_id = ANY(ARRAY(
             SELECT id FROM claims_article
              WHERE search_vector @@ websearch_to_tsquery('english', %(q)s)))"""
SEARCH = "c.id = ANY(%(ids)s)"
# Words in more than 1% of the articles (the planner's estimate): each claim asks of its own
# article, so the page walks the claims in order and stops (claims/selectors.py's choice).
SEARCH_COMMON = """(
    c.search_vector @@ websearch_to_tsquery('english', %(q)s)
    OR (SELECT search_vector @@ websearch_to_tsquery('english', %(q)s)
          FROM claims_article WHERE id = c.article_id)
)"""
ESTIMATE = (
    "EXPLAIN (FORMAT JSON) SELECT 1 FROM claims_article WHERE search_vector @@"
    " websearch_to_tsquery('english', %s) UNION ALL SELECT 1 FROM claims_article"
)
ORDERINGS = {"id", "created_at", "updated_at"}


def connection() -> psycopg.Connection:
    global _conn
    if _conn is None or _conn.closed:
        _conn = psycopg.connect(
            os.environ["PLAIN_DATABASE_URL"],
            autocommit=True,
            options="-c TimeZone=UTC",
            prepare_threshold=None,
        )
    return _conn


def user_perms(cur, user_id: int) -> frozenset[str]:
    if user_id not in _perms:
        cur.execute(
            """SELECT p.codename FROM auth_permission p
                 JOIN auth_group_permissions gp ON gp.permission_id = p.id
                 JOIN auth_user_groups ug ON ug.group_id = gp.group_id
                WHERE ug.user_id = %s""",
            [user_id],
        )
        _perms[user_id] = frozenset(row[0] for row in cur.fetchall())
    return _perms[user_id]


def actions(perms, user_id, status, assignee, proposer, contributed, stands) -> list[str]:
    """reviews.services.available_actions (the table in reviews/workflow.py), for one
    user's permission set."""
    out = []
    if status in ("new", "in_review"):
        if "take_claim" in perms and assignee is None:
            out.append("take")
        if "assign_claim" in perms:
            out.append("assign")
        if "dismiss_claim" in perms and not stands:
            out.append("dismiss")
    if status == "dismissed" and "dismiss_claim" in perms:
        out.append("restore")
    if status == "in_review" and assignee == user_id and "propose_verdict" in perms:
        out.append("propose")
    if status == "proposed":
        others = proposer not in (None, user_id)
        if "review_verdict" in perms and others:
            out.append("send_back")
        if "propose_verdict" in perms and proposer is not None and proposer == user_id:
            out.append("withdraw_proposal")
        if "review_verdict" in perms and others and not contributed:
            out.append("publish")
    if status == "published" and "reopen_claim" in perms:
        out.append("reopen")
    if status in ("published", "in_review", "proposed") and "reopen_claim" in perms and stands:
        out.append("withdraw")
    return out


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def checked_by(matches) -> list[dict]:
    shown = []
    for match in matches[:MATCHES_PER_CLAIM]:
        _, publisher, said, value, best, slug, label, url, claim_text, reviewed, score = match
        shown.append(
            {
                "publisher": publisher,
                "rating": said or (f"{value:g}/{best:g}" if value is not None else ""),
                "our_rating": slug,
                "our_rating_label": label,
                "url": url,
                "claim_reviewed": claim_text,
                "review_date": None if reviewed is None else reviewed.isoformat(),
                "score": score,
            }
        )
    return shown


def row_json(row, perms, user_id, matches) -> dict:
    (cid, text, status, version, origin, source_url, s0, s1, cdate, cw, reasons, dup, created,
     updated, assignee_id, aid, url, title, published, oid, oname, odomain, pid, pname, pkind,
     prole, username, vid, summary, approved_at, note, rid, slug, label, value, best, worst,
     colour, description, proposer, is_public, under_review_since, withdrawal_note,
     withdrawn_at, contributed) = row  # fmt: skip
    stands = bool(is_public and vid is not None)
    return {
        "id": cid,
        "text": text,
        "status": status,
        "version": version,
        "origin": origin,
        "article": None
        if aid is None
        else {
            "id": aid,
            "url": url,
            "title": title,
            "outlet": None if oid is None else {"id": oid, "name": oname, "domain": odomain},
            "published": None if published is None else published.isoformat(),
        },
        "source_url": source_url,
        "span_start": s0,
        "span_end": s1,
        "claimant": None
        if pid is None
        else {"id": pid, "name": pname, "kind": pkind, "role": prole},
        "claim_date": None if cdate is None else cdate.isoformat(),
        "checkworthiness": cw,
        "checkworthiness_reasons": reasons,
        "assignee": None if assignee_id is None else {"id": assignee_id, "username": username},
        "duplicate_of": dup,
        "verdict": None
        if vid is None
        else {
            "id": vid,
            "rating": {
                "id": rid,
                "slug": slug,
                "label": label,
                "value": value,
                "best_value": best,
                "worst_value": worst,
                "colour": colour,
                "description": description,
            },
            "summary": summary,
            "approved_at": iso(approved_at),
            "correction_note": note,
            "under_review_since": iso(under_review_since),
        },
        "withdrawn": None
        if withdrawn_at is None
        else {"note": withdrawal_note, "withdrawn_at": iso(withdrawn_at)},
        "checked_by": [] if matches is None else checked_by(matches.get(cid, [])),
        "actions": actions(perms, user_id, status, assignee_id, proposer, contributed, stands),
        "created_at": iso(created),
        "updated_at": iso(updated),
    }


def decode_cursor(value: str) -> tuple[int, str | None]:
    tokens = parse_qs(base64.b64decode(value.encode("ascii")).decode("ascii"))
    return int(tokens.get("o", ["0"])[0]), tokens.get("p", [None])[0]


def encode_cursor(offset: int, position: str) -> str:
    tokens = {"o": str(offset)} if offset else {}
    if position is not None:
        tokens["p"] = position
    return base64.b64encode(urlencode(tokens, doseq=True).encode("ascii")).decode("ascii")


def common(db, q: str) -> bool:
    """Whether the planner expects `q` to match more than 1% of the articles."""
    plan = db.execute(ESTIMATE, [q]).fetchone()[0]
    matching, every = (part["Plan Rows"] for part in plan[0]["Plan"]["Plans"])
    return matching > 0.01 * every


def page_sql(params: dict[str, list[str]], user_id: int, db) -> tuple[str, dict, str, int]:
    """The page's SQL and arguments, the ordering field and the page size. A search picks
    its shape from the planner's estimate on `db` as the app does (and for rare words reads
    the matching ids there: `args["ids"]`)."""
    where, args = [], {"user": user_id}
    one = {k: v[-1] for k, v in params.items()}
    if "status" in params:
        where.append("c.status = ANY(%(status)s)")
        args["status"] = params["status"]
    for name, column in (("article", "c.article_id"), ("claimant", "c.claimant_id"),
                         ("assignee", "c.assignee_id"), ("outlet", "a.outlet_id")):  # fmt: skip
        if name in one:
            where.append(f"{column} = %({name})s")
            args[name] = int(one[name])
    if "rating" in one:
        where.append(
            """EXISTS (SELECT 1 FROM reviews_verdict rv
                 JOIN reviews_rating rr ON rr.id = rv.rating_id
                WHERE rv.claim_id = c.id AND rr.slug = %(rating)s
                   AND rv.state IN ('approved', 'draft', 'proposed'))"""
        )
        args["rating"] = one["rating"]
    if "created_after" in one:
        where.append("c.created_at >= %(ca)s::date::timestamptz")
        args["ca"] = one["created_after"]
    if "created_before" in one:
        where.append("c.created_at < %(cb)s::timestamptz")
        args["cb"] = date.fromisoformat(one["created_before"]) + timedelta(days=1)
    if "claim_date_after" in one:
        where.append("c.claim_date >= %(da)s")
        args["da"] = one["claim_date_after"]
    if "claim_date_before" in one:
        where.append("c.claim_date <= %(db)s")
        args["db"] = one["claim_date_before"]
    if one.get("search", "").strip():
        args["q"] = one["search"].strip()
        if common(db, args["q"]):
            where.append(SEARCH_COMMON)
        else:
            args["ids"] = [found for (found,) in db.execute(MATCHING_IDS, args).fetchall()]
            where.append(SEARCH)
    ordering = one.get("ordering", "-id")
    field = ordering.lstrip("-")
    if field not in ORDERINGS:
        ordering, field = "-id", "id"
    desc = ordering.startswith("-")
    offset = 0
    if "cursor" in one:
        offset, position = decode_cursor(one["cursor"])
        if position is not None:
            where.append(f"c.{field} {'<' if desc else '>'} %(pos)s")
            args["pos"] = int(position) if field == "id" else position
    size = min(int(one.get("page_size", 25)), 100)
    direction = "DESC" if desc else "ASC"
    order = f"c.{field} {direction}" + ("" if field == "id" else f", c.id {direction}")
    sql = (
        f"SELECT {COLUMNS} FROM claims_claim c {JOINS}"
        + (f" WHERE {' AND '.join(where)}" if where else "")
        + f" ORDER BY {order} LIMIT {size + 1} OFFSET {offset}"
    )
    return sql, args, field, size


def app(environ, start_response):
    if environ.get("PATH_INFO") != "/api/v1/claims/":
        start_response("404 Not Found", [("Content-Type", "application/json")])
        return [b'{"error":{"code":"not_found","message":"","fields":{}}}']
    params = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    key = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Token ")
    cur = connection().cursor()
    cur.execute("SELECT user_id FROM authtoken_token WHERE key = %s", [key])
    found = cur.fetchone()
    if found is None:
        start_response("401 Unauthorized", [("Content-Type", "application/json")])
        return [b'{"error":{"code":"authentication_failed","message":"","fields":{}}}']
    user_id = found[0]
    perms = user_perms(cur, user_id)
    sql, args, field, size = page_sql(params, user_id, cur)
    cur.execute(sql, args)
    rows = cur.fetchall()
    following = rows[size] if len(rows) > size else None
    one_cursor = params.get("cursor", [None])[-1]
    rows = rows[:size]
    matches = None
    if "view_externalfactcheck" in perms:
        matches = {}
        cur.execute(MATCHES, [[row[0] for row in rows]])
        for match in cur.fetchall():
            matches.setdefault(match[0], []).append(match)
    next_link = None
    if following is not None:
        # DRF's next cursor: the last row's position, with an offset past rows that share it.
        index = {"id": 0, "created_at": 12, "updated_at": 13}[field]
        compare, position, unique = str(following[index]), None, False
        offset = 0
        for offset, row in enumerate(reversed(rows)):  # noqa: B007 - read after the loop
            position = str(row[index])
            if position != compare:
                unique = True
                break
        if not unique:  # the whole page shares one position: step on by the page's length
            at_offset, at_position = decode_cursor(one_cursor) if one_cursor else (0, None)
            offset, position = at_offset + size, at_position
        query = {k: v for k, v in params.items() if k != "cursor"}
        query["cursor"] = [encode_cursor(offset, position)]
        host = environ.get("HTTP_HOST", "localhost")
        next_link = f"http://{host}/api/v1/claims/?" + urlencode(sorted(query.items()), doseq=True)
    previous = None
    if "cursor" in params:
        previous = "(not computed by the baseline)"
    body = {
        "next": next_link,
        "previous": previous,
        "results": [row_json(row, perms, user_id, matches) for row in rows],
    }
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    start_response(
        "200 OK",
        [("Content-Type", "application/json"), ("Content-Length", str(len(data)))],
    )
    return [data]
