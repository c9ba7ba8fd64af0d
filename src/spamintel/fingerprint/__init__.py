"""Fingerprint stage: header order, Message-ID/Date/Subject/boundary shapes, SMTP dialect,
and the body MinHash. Pure: ParsedMessage → the same message with fingerprint fields set."""

from spamintel.fingerprint.stage import fingerprint

__all__ = ["fingerprint"]
