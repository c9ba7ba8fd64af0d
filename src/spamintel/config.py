"""Configuration: a tree of frozen dataclasses, declared once, loaded from TOML.

Every stage receives its own sub-config as an argument; nothing reads environment
variables or globals. ``load_config(path)`` reads a TOML file whose tables mirror the
dataclass tree (``[parse]``, ``[sources]``, ``[ipdata]``, ...); unknown keys are errors.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import UnionType
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

T = TypeVar("T")


def checked(default: Any, *, lo: float | None = None, hi: float | None = None,
             open_low: bool = False, choices: tuple[str, ...] = (), path: str = "",
             iso_date: bool = False) -> Any:
    """A field whose value from a file is checked beyond its type: numbers (or a table's
    numbers) within ``lo``..``hi`` (above ``lo`` when ``open_low``), one of ``choices``,
    a ``path`` that exists (``file`` or ``dir``; empty means the built-in one), an
    ``iso_date``. A callable ``default`` is a factory (a table)."""
    meta = {"lo": lo, "hi": hi, "open_low": open_low, "choices": choices, "path": path,
            "iso_date": iso_date}
    if callable(default):
        return field(default_factory=default, metadata=meta)
    return field(default=default, metadata=meta)


def default_corpora_dir() -> Path:
    """Where the shared real corpora live: ``$SPAMINTEL_CORPORA`` or ``../shared/data``."""
    env = os.environ.get("SPAMINTEL_CORPORA")
    if env:
        return Path(env)
    beside_project = Path(__file__).resolve().parents[2].parent / "shared" / "data"
    if beside_project.is_dir():
        return beside_project
    return Path.cwd().parent / "shared" / "data"


@dataclass(frozen=True)
class SourcesConfig:
    """Limits for reading files and archives (all hostile input), and whether a forward
    stands for the messages it carries (``unwrap_attached``: an abuse desk's mailbox)."""

    max_message_bytes: int = checked(64 * 1024 * 1024, lo=1)
    max_archive_depth: int = checked(3, lo=0)
    max_compression_ratio: float = checked(200.0, lo=1)
    unwrap_attached: bool = False


@dataclass(frozen=True)
class ParseConfig:
    """How to parse messages and find the sending client.

    ``trusted_relays`` lists host names (suffix match) and IPs/CIDRs of the receiving
    organisation; when empty the boundary is detected as the run of top hops added by
    hosts of the same registered domain as the top ``by`` host.
    """

    trusted_relays: tuple[str, ...] = ()
    max_mime_depth: int = checked(40, lo=1)
    max_mime_parts: int = checked(500, lo=1)
    max_text_chars: int = checked(200_000, lo=1)
    max_urls: int = checked(50, lo=0)
    max_headers: int = checked(2_000, lo=1)
    minhash_perms: int = checked(64, lo=1)


@dataclass(frozen=True)
class IPDataConfig:
    """Offline IP → ASN (ip-location-db CSV) and optional IP → country CSV files,
    one of each for IPv4 and for IPv6."""

    asn_csv: str = checked("", path="file")
    country_csv: str = checked("", path="file")
    asn_ipv6_csv: str = checked("", path="file")
    country_ipv6_csv: str = checked("", path="file")


@dataclass(frozen=True)
class ClassifyConfig:
    """How to classify messages: the model, category rules, malware and link checks.

    Empty paths mean the files shipped with the package; thresholds left at ``None``
    use the ones the model was calibrated with. ``link_feeds`` are local files
    (URLhaus CSV, PhishTank JSON/CSV, OpenPhish text, or one domain per line); nothing
    is fetched. ``clamd_socket`` enables ClamAV scanning through a running clamd.
    """

    model_path: str = checked("", path="file")
    rules_path: str = checked("", path="file")
    spam_threshold: float | None = checked(None, lo=0, hi=1)
    phish_threshold: float | None = checked(None, lo=0, hi=1)
    builtin_yara: bool = True
    yara_dirs: tuple[str, ...] = checked((), path="dir")
    link_feeds: tuple[str, ...] = checked((), path="file")
    clamd_socket: str = ""
    max_scan_bytes: int = checked(10 * 1024 * 1024, lo=1)
    max_archive_members: int = checked(200, lo=0)


@dataclass(frozen=True)
class StoreConfig:
    """Event store options."""

    batch_size: int = checked(5_000, lo=1)
    spool: bool = True


@dataclass(frozen=True)
class CalibrationConfig:
    """How observed counts scale to world totals (never taken from ground truth).

    Either ``sensor_shares`` (sensor name -> share of all the world's targeted mailboxes
    that sensor receives, 0..1, with relative uncertainty ``share_rel_error``) or a
    reference world total: ``reference_per_day`` spam per day (in ``unit``) over the days
    ``reference_start``..``reference_end`` (ISO dates, inclusive). ``unit`` is what is
    counted: ``messages`` (one per stored message) or ``recipients`` (envelope recipients).
    ``mixed_sensors`` names the sensors that see all mail (spam and ham) for the rates;
    empty means: detect them from the data (sensors with ham). ``data_source`` says what
    the sensors are when they are not real ones (a simulated world); reports and the
    dashboard carry it beside every figure.
    """

    unit: str = checked("messages", choices=("messages", "recipients"))
    sensor_shares: dict[str, float] = checked(dict, lo=0, hi=1, open_low=True)
    share_rel_error: float = checked(0.0, lo=0)
    reference_start: str = checked("", iso_date=True)
    reference_end: str = checked("", iso_date=True)
    reference_per_day: float = checked(0.0, lo=0)
    mixed_sensors: tuple[str, ...] = ()
    data_source: str = ""


@dataclass(frozen=True)
class AnalyzeConfig:
    """Analysis options: calibration and change-point detection thresholds.

    ``window_days`` is the comparison window on each side of a candidate change (7 keeps
    weekday cycles out); a day is silent when below ``silent_fraction`` of the series'
    typical level; a silence lasting ``takedown_min_days`` to the end of the data is a
    takedown; sustained level changes above ``surge_ratio`` are surges. After a stop,
    botnets that grew by ``displacement_min_ratio`` or whose share of spam rose by
    ``displacement_min_share_points`` are listed as taking over.
    """

    calibration: CalibrationConfig = field(default_factory=CalibrationConfig)
    window_days: int = checked(7, lo=1)
    silent_fraction: float = checked(0.05, lo=0, hi=1)
    takedown_min_days: int = checked(7, lo=1)
    surge_ratio: float = checked(1.5, lo=1)
    content_switch_distance: float = checked(0.4, lo=0, hi=1)
    software_switch_distance: float = checked(0.4, lo=0, hi=1)
    displacement_min_ratio: float = checked(1.05, lo=1)
    displacement_min_share_points: float = checked(0.02, lo=0, hi=1)
    run_attribution: bool = True


@dataclass(frozen=True)
class AttributeConfig:
    """How campaigns are grouped and how senders are attributed to botnets.

    ``lsh_bands`` × ``lsh_rows`` must not exceed the MinHash length (64 by default); with
    12 bands of 5 rows two messages share a content group when their body Jaccard
    similarity is above roughly 0.6; for campaigns, such a link also needs the two whole
    digests to agree on at least ``campaign_min_jaccard`` of their values (half that
    similarity), which drops links made by a chance band collision. A URL domain holding
    a real share of its mail in more than ``max_groups_per_domain`` content groups (a
    shortener, a big site) links no campaign; two domains join one campaign's pool only
    when they were first seen at most ``pool_gap_days`` active days apart (see
    ``attribute/domain_pools.py``). Content groups that share at least
    ``template_family_links`` domains or subject lines, used on mostly the same days, are
    the letters of one template and count as one group for campaigns
    (``attribute/families.py``; 0 turns it off). Mail the classifier let through takes
    part in campaigns when at least ``campaign_min_spam_share`` of its content group is
    spam; a content group with no
    pool domain is cut where it falls silent for more than ``campaign_max_gap_days``.
    ``signature_dirs`` adds folders of ``*.yaml`` signatures to the built-in ones
    (``builtin_signatures``). Discovery fits up to
    ``max_classes`` sender classes and merges those closer than ``merge_tau`` bits (see
    ``attribute/discovery.py``). A class takes a family's name when at least
    ``min_signature_share`` of its mail matches the family's signatures and its profile
    is within ``family_tau`` bits of the family's largest class. Any other class is
    reported as a botnet (``unknown-<n>``) when it holds at least ``min_botnet_ips``
    client IPs in ``min_botnet_asns`` networks (or over ``min_botnet_prefixes`` IPv4 /16
    or IPv6 /32 prefixes), at most ``max_server_share`` of its
    mail comes from mail servers (``attribute/hostnames.py``), and at most
    ``max_rare_template_share`` of its mail is on header templates that each carry under
    2% of it (a catch-all of many senders' leftovers, see ``attribute/discovery.py``).
    Inside a class, a separate population of IPs and campaigns that starts at least
    ``new_botnet_lead_days`` after the class, with at least ``min_new_messages`` messages
    from ``min_botnet_ips`` IPs, is a class of its own (a new botnet; see ``attribute/onset.py``).
    """

    use_signatures: bool = True
    builtin_signatures: bool = True
    signature_dirs: tuple[str, ...] = checked((), path="dir")
    lsh_bands: int = checked(12, lo=1)
    lsh_rows: int = checked(5, lo=1)
    max_groups_per_domain: int = checked(2, lo=1)
    pool_gap_days: int = checked(5, lo=0)
    template_family_links: int = checked(3, lo=0)
    campaign_min_spam_share: float = checked(0.5, lo=0, hi=1)
    campaign_min_jaccard: float = checked(0.3, lo=0, hi=1)
    campaign_max_gap_days: int = checked(7, lo=0)
    max_classes: int = checked(40, lo=1)
    merge_tau: float = checked(0.6, lo=0)
    family_tau: float = checked(0.6, lo=0)
    min_signature_share: float = checked(0.5, lo=0, hi=1)
    min_botnet_ips: int = checked(20, lo=1)
    new_botnet_lead_days: int = checked(7, lo=1)
    min_new_messages: int = checked(50, lo=1)
    min_botnet_asns: int = checked(5, lo=1)
    min_botnet_prefixes: int = checked(20, lo=1)
    max_server_share: float = checked(0.5, lo=0, hi=1)
    max_rare_template_share: float = checked(1 / 3, lo=0, hi=1)
    cluster_confidence: float = checked(0.8, lo=0, hi=1)


@dataclass(frozen=True)
class Config:
    """The whole configuration tree."""

    sources: SourcesConfig = field(default_factory=SourcesConfig)
    parse: ParseConfig = field(default_factory=ParseConfig)
    ipdata: IPDataConfig = field(default_factory=IPDataConfig)
    store: StoreConfig = field(default_factory=StoreConfig)
    classify: ClassifyConfig = field(default_factory=ClassifyConfig)
    analyze: AnalyzeConfig = field(default_factory=AnalyzeConfig)
    attribute: AttributeConfig = field(default_factory=AttributeConfig)


class ConfigError(ValueError):
    """A configuration file that cannot be read, or a key or value it may not hold."""


def _describe(hint: Any) -> str:
    """A field's type in words, for an error message."""
    if get_origin(hint) in (Union, UnionType):
        return _describe(next(a for a in get_args(hint) if a is not type(None)))
    if get_origin(hint) is tuple:
        return f"a list of {_describe(get_args(hint)[0]).removeprefix('a ')}s"
    if get_origin(hint) is dict:
        return f"a table of {_describe(get_args(hint)[1]).removeprefix('a ')}s"
    return {bool: "true or false", int: "a whole number", float: "a number",
            str: "a string"}.get(hint, f"a {getattr(hint, '__name__', hint)}")


def _fits(value: Any, hint: Any) -> bool:
    """Whether a value read from TOML is of the type a field declares (a whole number
    where a number is expected, a list where a tuple is)."""
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, UnionType):
        return any(_fits(value, a) for a in args if a is not type(None))
    if origin is tuple:
        return isinstance(value, list | tuple) and all(_fits(v, args[0]) for v in value)
    if origin is dict:
        return isinstance(value, dict) and all(
            _fits(k, args[0]) and _fits(v, args[1]) for k, v in value.items())
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


def _problem(value: Any, meta: Any) -> str:
    """What is wrong with a well-typed value under its field's checks ('' if nothing)."""
    items = list(value.values()) if isinstance(value, dict) else (
        list(value) if isinstance(value, list | tuple) else [value])
    for item in items:
        if isinstance(item, int | float) and not isinstance(item, bool):
            lo, hi = meta.get("lo"), meta.get("hi")
            if lo is not None and (item < lo or (meta.get("open_low") and item == lo)):
                return f"must be {'above' if meta.get('open_low') else 'at least'} {lo}"
            if hi is not None and item > hi:
                return f"must be at most {hi}"
        if meta.get("choices") and item not in meta["choices"]:
            return f"must be one of {', '.join(meta['choices'])}"
        if meta.get("iso_date") and item and not _is_iso_date(item):
            return "must be a date (YYYY-MM-DD)"
        kind = meta.get("path")
        if kind and item and not (Path(item).is_file() if kind == "file"
                                  else Path(item).is_dir()):
            return f"names no {'file' if kind == 'file' else 'folder'} {item!r}"
    return ""


def _is_iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def config_table(cls: type[T], data: Any, where: str) -> T:
    """One table of the configuration (``cls``) from TOML ``data``: unknown keys, values of
    the wrong type and values its fields' checks refuse are ``ConfigError``s; ``where``
    prefixes key names in errors (``analyze.``)."""
    if not isinstance(data, dict):
        raise ConfigError(f"config {where.rstrip('.') or 'file'} must be a table")
    known = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    hints = get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise ConfigError(f"unknown config key {where}{key}")
        default = getattr(cls(), key)
        if dataclasses.is_dataclass(default):
            kwargs[key] = config_table(type(default), value, f"{where}{key}.")
            continue
        if not _fits(value, hints[key]):
            raise ConfigError(f"config key {where}{key} takes {_describe(hints[key])}, "
                              f"not {value!r}")
        problem = _problem(value, known[key].metadata)
        if problem:
            raise ConfigError(f"config key {where}{key} {problem}, not {value!r}")
        kwargs[key] = tuple(value) if isinstance(default, tuple) else value
    return cls(**kwargs)


def load_config(path: str | Path | None = None) -> Config:
    """Load a TOML config file; ``None`` gives the built-in defaults. A file that cannot
    be read or parsed, an unknown key or a value of the wrong kind is a ``ConfigError``."""
    if path is None:
        return Config()
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config {path}: {exc}") from exc
    data.pop("trap", None)  # the trap sensor's table: spamintel.sources.trap.load_trap_config
    return config_table(Config, data, "")
