"""The parse under review (待审核草稿) as plain data, and the office's edits to it.

A draft is the parser's dict (see DESIGN.md) with, on each task, a stable `key` (so an edit made in
one tab cannot land on another task after a merge or split elsewhere) and `excluded` (不是任务).
Every function here is pure: it takes a draft and changes or reads it, nothing else.
"""
from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[。！？；;!?])")
_CLAUSE_END = re.compile(r"[。；;！!？?]")
HEADING_MAX = 80


def prepare(parse: dict) -> dict:
    """A fresh parse as a draft: every task keyed, none excluded."""
    draft = dict(parse)
    draft["tasks"] = [dict(task, key=f"t{i}", excluded=False) for i, task in enumerate(parse.get("tasks", []), 1)]
    draft["next_key"] = len(draft["tasks"]) + 1
    return draft


def find_task(draft: dict, key: str) -> dict:
    for task in draft["tasks"]:
        if task["key"] == key:
            return task
    raise KeyError(key)


def live_tasks(draft: dict) -> list[dict]:
    """The tasks that will be published: all but those marked as not a task."""
    return [task for task in draft["tasks"] if not task.get("excluded")]


def department_names(draft: dict) -> list[str]:
    """Every unit name the live tasks cite, each once, in order of first mention."""
    names = []
    for task in live_tasks(draft):
        names += [task.get("lead"), *task.get("co", [])]
    return list(dict.fromkeys(name for name in names if name))


def first_clause(text: str) -> str:
    """A task's heading: its text up to the first full stop or semicolon."""
    clause = _CLAUSE_END.split(text.strip(), maxsplit=1)[0].strip()
    return clause[:HEADING_MAX]


def sentences(text: str) -> list[str]:
    return [part for part in _SENTENCE_END.split(text) if part.strip()]


def update_task(draft: dict, key: str, *, number: str, title: str, lead: str | None, co: list[str],
                deliverables: list[dict]) -> tuple[dict, dict]:
    """Apply the office's edit of one task; returns the task before and after.

    Its parse warnings and doubts go: the office has read the task and decided.
    """
    task = find_task(draft, key)
    before = dict(task)
    lead = (lead or "").strip() or None
    task.update(
        number=number.strip(),
        title=title.strip() or first_clause(task.get("text", "")),
        lead=lead,
        co=[name for name in dict.fromkeys(n.strip() for n in co) if name and name != lead],
        deliverables=deliverables,
        warnings=[],
        doubts=[],
        confidence=1.0,
        reviewed=True,
    )
    return before, task


def set_excluded(draft: dict, key: str, excluded: bool) -> dict:
    task = find_task(draft, key)
    task["excluded"] = excluded
    return task


def merge_with_previous(draft: dict, key: str) -> dict:
    """Append a task to the live task before it (合并到上一任务); returns the merged task.

    The units of the appended part join the earlier task: they lead it if it had no lead, else
    they become co-responsible.
    """
    tasks = draft["tasks"]
    index = tasks.index(find_task(draft, key))
    previous = next((t for t in reversed(tasks[:index]) if not t.get("excluded")), None)
    if previous is None:
        raise ValueError("no previous task")
    task = tasks.pop(index)
    units = [task.get("lead"), *task.get("co", [])]
    if not previous.get("lead"):
        previous["lead"], units = next((u for u in units if u), None), units[1:]
    previous["co"] = [u for u in dict.fromkeys([*previous.get("co", []), *units]) if u and u != previous["lead"]]
    previous["text"] = _join(previous.get("text"), task.get("text"))
    if previous.get("text_original") or task.get("text_original"):
        previous["text_original"] = _join(previous.get("text_original"), task.get("text_original"))
    for field in ("deliverables", "indicators", "warnings"):
        previous[field] = [*previous.get(field, []), *task.get(field, [])]
    return previous


PLAN_MEASURES = ("indicators", "targets")


def set_measure_excluded(draft: dict, kind: str, index: int, excluded: bool) -> dict:
    """Keep a plan-level indicator (专栏 row) or target (方案目标) out of the published plan, or take it back."""
    if kind not in PLAN_MEASURES:
        raise KeyError(kind)
    item = draft.get(kind, [])[index]
    item["excluded"] = excluded
    return item


def live_measures(draft: dict) -> list[dict]:
    """The plan's indicators, then its targets not already a table row, that the office kept."""
    indicators = [i for i in draft.get("indicators", []) if not i.get("excluded")]
    names = {i.get("name") for i in indicators}
    targets = [t for t in draft.get("targets", []) if not t.get("excluded") and t.get("name") not in names]
    return indicators + [{"name": t.get("name"), "unit": t.get("unit"), "target": t.get("value"),
                          "target_text": t.get("text"), "year": t.get("year")} for t in targets]


def split_task(draft: dict, key: str, at_sentence: int) -> dict:
    """Cut a task before its sentence number `at_sentence` (拆分); the rest becomes a new task after it.

    The new task keeps the same units and path (the office edits them next); its deliverables stay
    with the first part, whose text they came from as often as not.
    """
    task = find_task(draft, key)
    parts = sentences(task.get("text", ""))
    if not 0 < at_sentence < len(parts):
        raise ValueError("split point outside the task")
    head, tail = "".join(parts[:at_sentence]).strip(), "".join(parts[at_sentence:]).strip()
    new_task = {
        "key": f"t{draft['next_key']}", "number": "", "path": list(task.get("path", [])),
        "title": first_clause(tail), "text": tail, "text_original": None,
        "lead": task.get("lead"), "co": list(task.get("co", [])),
        "deliverables": [], "indicators": [], "warnings": [], "excluded": False,
    }
    draft["next_key"] += 1
    task["text"] = head
    draft["tasks"].insert(draft["tasks"].index(task) + 1, new_task)
    return new_task


def _join(first: str | None, second: str | None) -> str:
    return "\n".join(part for part in (first, second) if part)


def section_of(path: list, sections_by_path: dict):
    """The deepest section whose path starts the task's path, or None (works whether or not a
    task's path ends with its own number)."""
    for length in range(len(path), 0, -1):
        section = sections_by_path.get(tuple(path[:length]))
        if section is not None:
            return section
    return None


def tree(draft: dict) -> list[dict]:
    """Sections and tasks in reading order, for the review page: each row is
    `{"kind": "section", "section": …}` or `{"kind": "task", "task": …, "level": n}`."""
    sections = draft.get("sections", [])
    by_path = {tuple(s.get("path") or [s.get("number")]): s for s in sections}
    under: dict[int | None, list[dict]] = {}
    for task in draft["tasks"]:
        section = section_of(task.get("path", []), by_path)
        under.setdefault(id(section) if section else None, []).append(task)
    rows = [{"kind": "task", "task": t, "level": 1} for t in under.get(None, [])]
    for section in sections:
        level = section.get("level") or 1
        rows.append({"kind": "section", "section": section, "level": level})
        rows += [{"kind": "task", "task": t, "level": level + 1} for t in under.get(id(section), [])]
    return rows
