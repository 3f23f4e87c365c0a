"""Search over everything a user may see: items, progress reports, coordination issues, evidence files.

Each kind yields its newest matches the user may see (at most CANDIDATES), found through the index
when the query is long enough for it; the candidates are then ranked together (where the text was
found, how often) and the match is marked in an excerpt.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlalchemy.orm import joinedload

from tracker.auth.models import User
from tracker.extensions import db
from tracker.search.models import SOURCES, fts_table
from tracker.tasks.models import CoordinationIssue, Evidence, ProgressReport, Task
from tracker.tasks.permissions import visible_tasks

# Trigrams index substrings of three characters; shorter queries are a plain LIKE over the columns.
TRIGRAM = 3
MAX_QUERY = 100
CANDIDATES = 50  # per kind
# No index serves a query under three characters: it reads only the newest rows of each kind, so that
# "用地" answers at once however long the history, instead of scanning a million reports for nothing.
SHORT_QUERY_ROWS = 20_000
SHOWN = 50
MODELS = {"task": Task, "report": ProgressReport, "issue": CoordinationIssue, "evidence": Evidence}
# Where a match counts most: an item's title, then its text, a coordination issue, a file's name, a report.
WEIGHTS = {("task", "title"): 10, ("task", "text"): 6, ("issue", "text"): 5, ("evidence", "original_name"): 4,
           ("report", "narrative"): 3}


@dataclass
class Hit:
    kind: str
    task: Task
    row: object
    score: float
    excerpts: list[tuple[str, Markup]]  # (column, excerpt with the match marked)


def normalise(query: str | None) -> str:
    return " ".join((query or "").split())[:MAX_QUERY]


def search(user: User, query: str | None) -> list[Hit]:
    """The SHOWN best matches of `query` among what `user` may see, best first."""
    query = normalise(query)
    if not query:
        return []
    pattern = re.compile(re.escape(query), re.IGNORECASE)
    hits = []
    for kind in SOURCES:
        ids = _candidate_ids(user, kind, query)
        for row in _load(kind, ids):
            hit = _score(kind, row, query, pattern)
            if hit is not None:
                hits.append(hit)
    hits.sort(key=lambda hit: (-hit.score, list(SOURCES).index(hit.kind), -hit.row.id))
    return hits[:SHOWN]


def _candidate_ids(user: User, kind: str, query: str) -> list[int]:
    source, model = SOURCES[kind], MODELS[kind]
    if db.engine.dialect.name == "sqlite" and len(query) >= TRIGRAM:
        table = fts_table(source)
        phrase = '"' + query.replace('"', '""') + '"'
        statement = (sa.select(table.c.rowid).join(Task, Task.id == table.c.task_id)
                     .where(table.c.body.op("MATCH")(phrase)).order_by(table.c.rowid.desc()))
    else:
        # PostgreSQL: the GIN trigram indexes serve ILIKE; under three characters the newest rows are read
        # until enough match.
        like = "%" + re.sub(r"([\\%_])", r"\\\1", query) + "%"
        found = sa.or_(*(getattr(model, column).ilike(like, escape="\\") for column in source.columns))
        statement = sa.select(model.id)
        if model is not Task:
            statement = statement.join(Task, Task.id == model.task_id)
        statement = statement.where(found).order_by(model.id.desc())
        if len(query) < TRIGRAM:
            statement = statement.where(model.id > sa.select(sa.func.max(model.id)).scalar_subquery() - SHORT_QUERY_ROWS)
    return list(db.session.scalars(visible_tasks(user, statement).limit(CANDIDATES)))


def _load(kind: str, ids: list[int]) -> list:
    if not ids:
        return []
    model = MODELS[kind]
    # Not the item's plan: its source text and draft are large and no result shows them.
    options = [] if model is Task else [joinedload(model.task)]
    if model is ProgressReport:
        options.append(joinedload(ProgressReport.period))
    return list(db.session.scalars(sa.select(model).options(*options).where(model.id.in_(ids))).unique())


def _score(kind: str, row, query: str, pattern: re.Pattern) -> Hit | None:
    score, excerpts = 0.0, []
    for column in SOURCES[kind].columns:
        text = getattr(row, column) or ""
        found = len(pattern.findall(text))
        if not found:
            continue
        # More occurrences count, a little; a text that is the query itself, or begins with it, counts more.
        score += WEIGHTS[kind, column] * (1 + min(found, 5) / 10)
        score += 5 if text.strip().casefold() == query.casefold() else 0
        score += 2 if pattern.match(text) else 0
        excerpts.append((column, highlight(text, pattern)))
    if not excerpts:  # LIKE's and the index's idea of a match can differ from Python's (case folding)
        return None
    task = row if kind == "task" else row.task
    return Hit(kind, task, row, score, excerpts)


def highlight(text: str, pattern: re.Pattern, context: int = 40) -> Markup:
    """An excerpt of `text` around its first match, escaped, with every match in it marked <mark>."""
    first = pattern.search(text)
    if first is None:
        return escape(text[:context * 2])
    start, end = max(0, first.start() - context), min(len(text), first.end() + 2 * context)
    piece, parts, last = text[start:end], [], 0
    for match in pattern.finditer(piece):
        parts += [escape(piece[last:match.start()]), Markup("<mark>%s</mark>") % match.group()]
        last = match.end()
    parts.append(escape(piece[last:]))
    return Markup("").join(["…" if start else "", *parts, "…" if end < len(text) else ""])
