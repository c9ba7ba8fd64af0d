"""Serve stage: the dashboard and JSON API over an analysed store (read-only)."""

from spamintel.serve.app import create_app

__all__ = ["create_app"]
