"""Domains a feed never lists: a shipped list of the labels of brands, shared platforms,
mail services, shorteners and reference sites (``data/never_list.txt``), and a site's own
allow list."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from spamintel.classify.phishing import brand_labels
from spamintel.domains import registered_domain


@cache
def never_labels() -> frozenset[str]:
    """The labels never listed (``google`` stands for google.com, google.co.uk, ...): the
    brands' own that the classifier knows, the shipped list's, and brand top-level domains
    (``.google``)."""
    text = resources.files("spamintel.export").joinpath("data/never_list.txt").read_text()
    brands = frozenset(label for label in brand_labels() if "." not in label)
    return brands | frozenset(word for line in text.splitlines()
                              if not line.startswith("#") for word in line.split())


def load_allow_list(path: Path) -> frozenset[str]:
    """Domains from a file, one a line (``#`` starts a comment); each covers its subdomains."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(d for line in lines
                     if (d := line.split("#", 1)[0].strip().rstrip(".").lower()))


def never_listed(domain: str, allow: frozenset[str] = frozenset()) -> bool:
    """Whether ``domain`` (a checked, lower-case name) must stay off every feed: a label of
    its registered domain other than the top-level one is a shipped label (labels below
    it are the sender's choice: ``paypal.example.hosting.net`` is not PayPal's), its
    top-level domain is a brand's own (``.bradesco``), or it or a domain above it is on
    ``allow``."""
    registered = (registered_domain(domain) or domain).split(".")
    never = never_labels()
    if f".{registered[-1]}" in never or any(label in never for label in registered[:-1]):
        return True
    labels = domain.split(".")
    return any(".".join(labels[i:]) in allow for i in range(len(labels) - 1))
