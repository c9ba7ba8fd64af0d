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
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


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

    max_message_bytes: int = 64 * 1024 * 1024
    max_archive_depth: int = 3
    max_compression_ratio: float = 200.0
    unwrap_attached: bool = False


@dataclass(frozen=True)
class ParseConfig:
    """How to parse messages and find the sending client.

    ``trusted_relays`` lists host names (suffix match) and IPs/CIDRs of the receiving
    organisation; when empty the boundary is detected as the run of top hops added by
    hosts of the same registered domain as the top ``by`` host.
    """

    trusted_relays: tuple[str, ...] = ()
    max_mime_depth: int = 40
    max_mime_parts: int = 500
    max_text_chars: int = 200_000
    max_urls: int = 50
    max_headers: int = 2_000
    minhash_perms: int = 64


@dataclass(frozen=True)
class IPDataConfig:
    """Offline IP → ASN (ip-location-db CSV) and optional IP → country CSV files,
    one of each for IPv4 and for IPv6."""

    asn_csv: str = ""
    country_csv: str = ""
    asn_ipv6_csv: str = ""
    country_ipv6_csv: str = ""


@dataclass(frozen=True)
class ClassifyConfig:
    """How to classify messages: the model, category rules, malware and link checks.

    Empty paths mean the files shipped with the package; thresholds left at ``None``
    use the ones the model was calibrated with. ``link_feeds`` are local files
    (URLhaus CSV, PhishTank JSON/CSV, OpenPhish text, or one domain per line); nothing
    is fetched. ``clamd_socket`` enables ClamAV scanning through a running clamd.
    """

    model_path: str = ""
    rules_path: str = ""
    spam_threshold: float | None = None
    phish_threshold: float | None = None
    builtin_yara: bool = True
    yara_dirs: tuple[str, ...] = ()
    link_feeds: tuple[str, ...] = ()
    clamd_socket: str = ""
    max_scan_bytes: int = 10 * 1024 * 1024
    max_archive_members: int = 200


@dataclass(frozen=True)
class StoreConfig:
    """Event store options."""

    batch_size: int = 5_000
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

    unit: str = "messages"
    sensor_shares: dict[str, float] = field(default_factory=dict)
    share_rel_error: float = 0.0
    reference_start: str = ""
    reference_end: str = ""
    reference_per_day: float = 0.0
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
    window_days: int = 7
    silent_fraction: float = 0.05
    takedown_min_days: int = 7
    surge_ratio: float = 1.5
    content_switch_distance: float = 0.4
    software_switch_distance: float = 0.4
    displacement_min_ratio: float = 1.05
    displacement_min_share_points: float = 0.02
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
    signature_dirs: tuple[str, ...] = ()
    lsh_bands: int = 12
    lsh_rows: int = 5
    max_groups_per_domain: int = 2
    pool_gap_days: int = 5
    template_family_links: int = 3
    campaign_min_spam_share: float = 0.5
    campaign_min_jaccard: float = 0.3
    campaign_max_gap_days: int = 7
    max_classes: int = 40
    merge_tau: float = 0.6
    family_tau: float = 0.6
    min_signature_share: float = 0.5
    min_botnet_ips: int = 20
    new_botnet_lead_days: int = 7
    min_new_messages: int = 50
    min_botnet_asns: int = 5
    min_botnet_prefixes: int = 20
    max_server_share: float = 0.5
    max_rare_template_share: float = 1 / 3
    cluster_confidence: float = 0.8


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


def _kind_ok(value: Any, default: Any) -> bool:
    """Whether ``value`` from a file may replace ``default``: the same kind of value (a
    whole number where a number is expected, any list where a list is)."""
    if default is None:
        return True
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int | float):
        return isinstance(value, int | float) and not isinstance(value, bool) and (
            isinstance(default, float) or isinstance(value, int))
    if isinstance(default, tuple):
        return isinstance(value, list | tuple)
    return isinstance(value, type(default))


def _build(cls: type[T], data: Any, where: str) -> T:
    if not isinstance(data, dict):
        raise ConfigError(f"config {where.rstrip('.') or 'file'} must be a table")
    known = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise ConfigError(f"unknown config key {where}{key}")
        default = getattr(cls(), key)
        if dataclasses.is_dataclass(default):
            kwargs[key] = _build(type(default), value, f"{where}{key}.")
        elif not _kind_ok(value, default):
            raise ConfigError(f"config key {where}{key} takes a {type(default).__name__}, "
                              f"not {value!r}")
        else:
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
    return _build(Config, data, "")
