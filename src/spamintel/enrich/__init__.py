"""Enrich stage: offline facts about the sending client (AS number, organisation, country)."""

from spamintel.enrich.ipdata import IPData

__all__ = ["IPData"]
