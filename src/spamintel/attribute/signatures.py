"""Botnet signatures: analyst-readable YAML rules over event columns and SMTP dialect
features, compiled to one vectorised SQL expression per signature.

A signature file looks like::

    name: rustock-2011          # unique id of the rule
    family: Rustock             # the botnet it names
    confidence: 0.95            # 0..1, given to every message it matches
    description: Bare-IP HELO, forged Outlook header order, one recipient per envelope.
    match:                      # every condition must hold
      smtp_dialect.helo_form: bare_ip              # shorthand for {equals: ...}
      header_order_fp: {in: [8f2c01d9a3b4c5d6, ...]}
      message_id_shape: {regex: '^<D\\d+\\.'}
      rcpt_count: {range: [1, 2]}
    any:                        # optional: at least ``min_any`` of these must hold
      x_mailer: {regex: 'Outlook'}
      date_shape: {equals: 'Www, N Mmm D4 N:N:N +D4'}
    min_any: 1

Fields are event columns (``model.EVENT_COLUMNS``) or ``smtp_dialect.<feature>``.
Operators: ``equals``, ``in``, ``regex`` (anywhere in the value, RE2 syntax), ``range``
(inclusive ``[low, high]``, either may be null), ``is_null`` (true/false). On list columns
(``charsets``, ``url_domains``...) a condition holds when any element satisfies it.
A file may also hold several rules under a top-level ``signatures:`` list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from spamintel.model import EVENT_COLUMNS

OPERATORS = ("equals", "in", "regex", "range", "is_null")
DIALECT_PREFIX = "smtp_dialect."
_LIST_COLUMNS = {c.name for c in EVENT_COLUMNS if str(c.type).startswith("list<")}
_NUMERIC = {c.name for c in EVENT_COLUMNS
            if str(c.type).startswith(("int", "uint", "float", "double"))}
_SCALAR = {c.name for c in EVENT_COLUMNS} - _LIST_COLUMNS - {"attachments"}


class SignatureError(ValueError):
    """A signature file is invalid; the message names the file and the key."""


@dataclass(frozen=True)
class Condition:
    """One test of one field."""

    field: str
    op: str
    value: Any

    def sql(self) -> str:
        """The condition as a DuckDB boolean expression (NULL counts as false)."""
        if self.field in _LIST_COLUMNS:
            test = self._test("x")
            return f"coalesce(len(list_filter({self.field}, lambda x: {test})) > 0, false)"
        return f"coalesce({self._test(_column(self.field))}, false)"

    def _test(self, ref: str) -> str:
        numeric = self.op == "range" or self.field in _NUMERIC
        if numeric and self.field.startswith(DIALECT_PREFIX):
            ref = f"TRY_CAST({ref} AS DOUBLE)"
        if self.op == "is_null":
            return f"({ref} IS NULL) = {bool(self.value)}"
        if self.op == "equals":
            return f"{ref} = {_literal(self.value, numeric)}"
        if self.op == "in":
            items = ", ".join(_literal(v, numeric) for v in self.value)
            return f"{ref} IN ({items})" if items else "false"
        if self.op == "regex":
            return f"regexp_matches({ref}, {_literal(str(self.value), False)})"
        low, high = self.value
        parts = [f"{ref} >= {float(low)}" if low is not None else "true",
                 f"{ref} <= {float(high)}" if high is not None else "true"]
        return "(" + " AND ".join(parts) + ")"


@dataclass(frozen=True)
class Signature:
    """A named rule giving a family and a confidence to the messages it matches."""

    name: str
    family: str
    confidence: float
    match: tuple[Condition, ...]
    any: tuple[Condition, ...] = ()
    min_any: int = 0
    description: str = ""
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def fields(self) -> list[str]:
        """Event columns the rule reads (``smtp_dialect`` for dialect features)."""
        return sorted({"smtp_dialect" if c.field.startswith(DIALECT_PREFIX) else c.field
                       for c in self.match + self.any})

    def sql(self) -> str:
        """The whole rule as one DuckDB boolean expression."""
        parts = [c.sql() for c in self.match] or ["true"]
        if self.any and self.min_any > 0:
            hits = " + ".join(f"({c.sql()})::INT" for c in self.any)
            parts.append(f"({hits}) >= {self.min_any}")
        return "(" + " AND ".join(parts) + ")"


def _column(name: str) -> str:
    if name.startswith(DIALECT_PREFIX):
        key = name[len(DIALECT_PREFIX):].replace('"', "")
        return (f"json_extract_string(CASE WHEN json_valid(smtp_dialect) THEN smtp_dialect "
                f"END, '$.\"{_escape(key)}\"')")
    return name


def _escape(text: str) -> str:
    return text.replace("'", "''")


def _literal(value: Any, numeric: bool) -> str:
    if isinstance(value, bool):
        return "'true'" if value else "'false'"
    if numeric and isinstance(value, int | float):
        return repr(float(value))
    return f"'{_escape(str(value))}'"


def _condition(fname: str, spec: Any, where: str) -> Condition:
    if fname not in _SCALAR | _LIST_COLUMNS and not (
            fname.startswith(DIALECT_PREFIX) and len(fname) > len(DIALECT_PREFIX)):
        raise SignatureError(f"{where}: unknown field {fname!r}")
    if not isinstance(spec, dict):
        spec = {"equals": spec}
    if len(spec) != 1 or next(iter(spec)) not in OPERATORS:
        raise SignatureError(f"{where}.{fname}: use exactly one of {', '.join(OPERATORS)}")
    op, value = next(iter(spec.items()))
    if op == "in" and not isinstance(value, list):
        raise SignatureError(f"{where}.{fname}: 'in' takes a list")
    if op == "range" and not (isinstance(value, list) and len(value) == 2):
        raise SignatureError(f"{where}.{fname}: 'range' takes [low, high]")
    return Condition(fname, op, tuple(value) if isinstance(value, list) else value)


def _conditions(data: Any, where: str) -> tuple[Condition, ...]:
    if data is None:
        return ()
    if not isinstance(data, dict):
        raise SignatureError(f"{where}: expected a mapping of field: condition")
    return tuple(_condition(str(k), v, where) for k, v in data.items())


def parse_signature(data: Any, source: str = "") -> Signature:
    """Build a signature from its YAML mapping; raise ``SignatureError`` when invalid."""
    if not isinstance(data, dict):
        raise SignatureError(f"{source}: a signature is a mapping")
    missing = [k for k in ("name", "family", "match") if not data.get(k)]
    if missing:
        raise SignatureError(f"{source}: missing {', '.join(missing)}")
    conf = float(data.get("confidence", 0.9))
    if not 0 < conf <= 1:
        raise SignatureError(f"{source}: confidence must be in (0, 1]")
    known = {"name", "family", "confidence", "description", "match", "any", "min_any"}
    return Signature(
        name=str(data["name"]), family=str(data["family"]), confidence=conf,
        match=_conditions(data["match"], f"{source}:match"),
        any=_conditions(data.get("any"), f"{source}:any"),
        min_any=int(data.get("min_any", 1 if data.get("any") else 0)),
        description=str(data.get("description", "")).strip(), source=source,
        extra={k: v for k, v in data.items() if k not in known})


def load_file(path: Path) -> list[Signature]:
    """All signatures in one YAML file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:  # one line: the place and the problem
        mark = getattr(exc, "problem_mark", None)
        place = f" line {mark.line + 1}, column {mark.column + 1}:" if mark else ""
        raise SignatureError(f"{path}:{place} {getattr(exc, 'problem', None) or exc}") from exc
    items = data.get("signatures") if isinstance(data, dict) and "signatures" in data else [data]
    if not isinstance(items, list):
        raise SignatureError(f"{path}: 'signatures' must be a list")
    return [parse_signature(item, str(path)) for item in items]


def builtin_dir() -> Path:
    """The folder of signatures shipped with the package."""
    return Path(str(resources.files("spamintel.attribute") / "signatures"))


def load_signatures(dirs: tuple[str, ...] = (), builtin: bool = True) -> list[Signature]:
    """Signatures from the built-in folder (unless ``builtin`` is false) and ``dirs``,
    highest confidence first; a later rule with a name already loaded replaces it."""
    folders = ([builtin_dir()] if builtin else []) + [Path(d) for d in dirs]
    by_name: dict[str, Signature] = {}
    for folder in folders:
        if not folder.is_dir():
            raise SignatureError(f"{folder}: not a folder of signatures")
        for path in sorted(folder.glob("*.y*ml")):
            for sig in load_file(path):
                by_name[sig.name] = sig
    return sorted(by_name.values(), key=lambda s: (-s.confidence, s.name))
