"""Fingerprint stage: header order, Message-ID/Date/Subject/boundary shapes, SMTP dialect,
and the body MinHash. Pure: ParsedMessage → the same message with fingerprint fields set."""

from spamintel.fingerprint.stage import fingerprint, fingerprint_batch

__all__ = ["fingerprint", "fingerprint_batch"]
