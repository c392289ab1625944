"""Reading scenario files, merging them, and naming every error precisely.

Errors carry the file and the JSON path (`orders.json: orders[3].product: ...`)
so a planner can fix an ERP export without reading a traceback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

from mtosched.collector import paused_collector
from mtosched.errors import InputError, Issue
from mtosched.scenario.models import (
    LIST_SECTIONS,
    SCALAR_FIELDS,
    UNKEYED_SECTIONS,
    Scenario,
)
from mtosched.scenario.provenance import Origin
from mtosched.scenario.references import check_references


def format_path(loc: Iterable[int | str]) -> str:
    """Turn a pydantic location into a JSON path: ``orders[3].product``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif _is_type_tag(part):
            continue
        else:
            path += f".{part}" if path else str(part)
    return path


_TYPE_TAG = re.compile(
    r"^(list|dict|set|tuple|function-\w+|constrained-\w+|nullable|lax-or-strict)"
    r"\[.*\]$|^(str|int|bool|float|decimal|constrained-int|constrained-str)$"
)


def _is_type_tag(part: str) -> bool:
    # pydantic puts the tried union member into the location ("list[str]");
    # that is an implementation detail, not a place in the user's file.
    return _TYPE_TAG.match(part) is not None


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown field (fields starting with 'x-' are ignored)"
    if kind == "missing":
        return "required field is missing"
    if kind == "less_than_equal":
        # Say which value was refused and the limit (issue 16).
        limit = error["ctx"]["le"]
        return f"{_shown(error['input'])} is too large: the largest accepted is {limit}"
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message[0].lower() + message[1:] if message else message


def _shown(value: Any) -> str:
    """A value for a message, shortened: an input may hold megabytes."""
    text = str(value)
    return text if len(text) <= 40 else f"{text[:37]}..."


def validation_issues(file: str, error: ValidationError) -> list[Issue]:
    """One issue per JSON path; union alternatives are joined with 'or'."""
    by_path: dict[str, list[str]] = {}
    for item in error.errors():
        messages = by_path.setdefault(format_path(item["loc"]), [])
        text = _message(item)
        if text not in messages:
            messages.append(text)
    return [Issue(file, path, " or ".join(msgs)) for path, msgs in by_path.items()]


#: A JSON escape of a UTF-16 surrogate: the only way a lone one gets in.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _decode_json(text: str, file: str) -> Any:
    """`json.loads`, with everything it can raise turned into an `InputError`."""
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise InputError(
            [Issue(file, "", f"{where}: invalid JSON: {exc.msg}")]
        ) from None
    except RecursionError:
        # The decoder recurses per level; issue 16 found 1000 levels crashing it.
        message = "nested too deeply (arrays or objects inside one another)"
        raise InputError([Issue(file, "", message)]) from None
    except ValueError as exc:
        # Integers of more than 4300 digits exceed Python's conversion limit.
        raise InputError([Issue(file, "", f"invalid JSON: {exc}")]) from None


def _lone_surrogates(text: str, data: Any, file: str) -> list[Issue]:
    r"""Strings holding half of a UTF-16 pair, which no UTF-8 output can write.

    The decoder accepts `"\ud800"`; a name with it only failed when the
    schedule was written (issue 16). The cheap text search keeps the walk
    off the common path; the walk is iterative, so depth cannot crash it.
    """
    if _SURROGATE_ESCAPE.search(text) is None:
        return []
    issues: list[Issue] = []
    pending: list[tuple[tuple[int | str, ...], Any]] = [((), data)]
    while pending:
        loc, node = pending.pop()
        children: Iterable[tuple[int | str, Any]] = ()
        if isinstance(node, dict):
            children = node.items()
        elif isinstance(node, list):
            children = enumerate(node)
        elif isinstance(node, str) and not _encodable(node):
            issues.append(Issue(file, format_path(loc), _SURROGATE_MESSAGE))
        for key, value in children:
            if isinstance(key, str) and not _encodable(key):
                issues.append(
                    Issue(file, format_path(loc), f"a key: {_SURROGATE_MESSAGE}")
                )
            pending.append(((*loc, key), value))
    return sorted(issues, key=lambda issue: issue.path)


_SURROGATE_MESSAGE = (
    "text with a lone UTF-16 surrogate (a \\uD800-\\uDFFF escape without its "
    "pair) cannot be written as UTF-8"
)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_scenario_text(text: str, file: str) -> Scenario:
    """Parse one file's text; floats are read as exact decimals (``speed``)."""
    data = _decode_json(text, file)
    if not isinstance(data, dict):
        raise InputError([Issue(file, "", "a scenario must be a JSON object")])
    surrogates = _lone_surrogates(text, data, file)
    if surrogates:
        raise InputError(surrogates)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise InputError(validation_issues(file, exc)) from None
    except RecursionError:
        message = "nested too deeply (arrays or objects inside one another)"
        raise InputError([Issue(file, "", message)]) from None
    return scenario.with_origins(file)


def read_scenario_file(path: str | Path) -> Scenario:
    """Read one scenario file; unreadable files are input errors too."""
    label = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(
            [Issue(label, "", f"cannot read file: {exc.strerror}")]
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        issue = Issue(label, "", f"not UTF-8 text (byte {exc.start})")
        raise InputError([issue]) from None
    return parse_scenario_text(text, label)


def merge_scenarios(parts: Sequence[Scenario]) -> Scenario:
    """Merge files: lists concatenate, scalars must agree, ids stay unique."""
    issues: list[Issue] = []
    scalars: dict[str, Any] = {}
    scalar_origin: dict[str, str] = {}
    zone = _merged_zone(parts)
    for part in parts:
        for field in SCALAR_FIELDS:
            value = getattr(part, field)
            if value is None:
                continue
            file = part.origin_file
            same = field in scalars and _comparable(
                scalars[field], zone
            ) == _comparable(value, zone)
            if field in scalars and not same:
                issues.append(
                    Issue(
                        file,
                        field,
                        f"{_show(value)} disagrees with {scalar_origin[field]} "
                        f"({_show(scalars[field])})",
                    )
                )
            elif field not in scalars:
                scalars[field] = value
                scalar_origin[field] = file

    lists: dict[str, list[Any]] = {section: [] for section in LIST_SECTIONS}
    origins: dict[str, list[Origin]] = {section: [] for section in LIST_SECTIONS}
    for section in LIST_SECTIONS:
        first_seen: dict[str, Origin] = {}
        for part in parts:
            origin_of = part.origins(section)
            for index, item in enumerate(getattr(part, section)):
                origin = origin_of(index)
                first = first_seen.setdefault(item.id, origin)
                if first is not origin:
                    issues.append(
                        Issue(
                            origin.file,
                            f"{origin.path}.id",
                            f"duplicate id '{item.id}' (also at {first.file}: "
                            f"{first.path})",
                        )
                    )
                    continue
                lists[section].append(item)
                origins[section].append(origin)
    for section in UNKEYED_SECTIONS:
        lists[section], origins[section] = [], []
        for part in parts:
            for index, item in enumerate(getattr(part, section)):
                lists[section].append(item)
                origins[section].append(part.origin(section, index))
    if issues:
        raise InputError(issues)
    merged = Scenario.model_validate({**scalars, **lists})
    return merged.with_origins(parts[0].origin_file, origins, scalar_origin)


def _merged_zone(parts: Sequence[Scenario]) -> ZoneInfo:
    """The zone naive instants are read in, so that 06:00 and 06:00Z can agree."""
    for part in parts:
        if part.timezone is not None:
            try:
                return ZoneInfo(part.timezone)
            except (ZoneInfoNotFoundError, ValueError, OSError):
                break  # reported by the reference checks
    return ZoneInfo("UTC")


def _comparable(value: Any, zone: ZoneInfo) -> Any:
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=zone)
    return value


def _show(value: Any) -> str:
    if hasattr(value, "model_dump_json"):
        return str(value.model_dump_json(by_alias=True, exclude_defaults=True))
    if hasattr(value, "isoformat"):
        return f"'{value.isoformat()}'"
    return f"'{value}'"


@paused_collector()
def load_scenario(*paths: str | Path) -> Scenario:
    """Read, merge and cross-check scenario files into one `Scenario`.

    Raises `InputError` listing every problem found, each with file and path.
    """
    if not paths:
        raise InputError([Issue("<arguments>", "", "no scenario file given")])
    parts: list[Scenario] = []
    issues: list[Issue] = []
    for path in paths:
        try:
            parts.append(read_scenario_file(path))
        except InputError as exc:
            issues.extend(exc.issues)
    if issues:
        raise InputError(issues)
    scenario = merge_scenarios(parts)
    problems = check_references(scenario)
    if problems:
        raise InputError(problems)
    return scenario
