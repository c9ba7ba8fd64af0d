"""The application: security headers on every response, vendored static files, an API
reference that needs no network, and a store that is only read."""

from __future__ import annotations

import re

from spamintel.serve.app import SECURITY_HEADERS, STATIC


def test_security_headers_everywhere(client):
    for url in ("/", "/api/months", "/api/report/1999-01", "/static/dashboard.js",
                "/openapi.json", "/botnets/Nobody"):
        got = client.get(url)
        for name, value in SECURITY_HEADERS.items():
            assert got.headers[name] == value, (url, name)
    csp = SECURITY_HEADERS["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert SECURITY_HEADERS["X-Content-Type-Options"] == "nosniff"


def test_chart_js_is_vendored_with_its_license(client):
    got = client.get("/static/chart.umd.min.js")
    assert got.status_code == 200 and "javascript" in got.headers["content-type"]
    assert got.text.startswith("/*!\n * Chart.js v4.")
    assert "MIT License" in (STATIC / "chart.js-LICENSE.txt").read_text()


def test_nothing_loads_from_another_host(client):
    for url in ("/", "/botnets/Rustock", "/events", "/campaigns", "/docs"):
        text = client.get(url).text
        assert not re.search(r'(src|href|action)="(https?:)?//', text), url
    css = client.get("/static/dashboard.css").text
    assert "url(" not in css and "@import" not in css


def test_swagger_and_redoc_are_off(client):
    assert client.get("/redoc").status_code == 404
    assert "swagger" not in client.get("/docs").text.lower()


def _listing(path):
    return sorted((str(p), p.stat().st_mtime_ns) for p in path.rglob("*"))


def test_the_store_is_only_read(client, store):
    before = _listing(store.path)
    for url in ("/", "/?month=2011-01", "/botnets/Bagle", "/events", "/campaigns",
                "/api/report/2011-02", "/api/daily", "/api/botnets/Lethic"):
        assert client.get(url).status_code == 200
    assert _listing(store.path) == before


def test_health_check_answers_while_the_store_reads(client):
    got = client.get("/healthz")
    assert got.status_code == 200 and got.json() == {"status": "ok"}
    assert "/healthz" not in client.get("/openapi.json").json()["paths"]


def test_health_check_fails_on_a_store_that_cannot_be_read(tmp_path):
    from fastapi.testclient import TestClient

    from spamintel.serve import create_app
    from spamintel.store import Store

    store = Store(tmp_path / "store")
    (store.path / "tables").mkdir(parents=True, exist_ok=True)
    (store.path / "tables" / "botnet_events.parquet").write_bytes(b"not parquet")
    with TestClient(create_app(store, warm=False)) as c:
        got = c.get("/healthz")
    assert got.status_code == 503 and got.json() == {"status": "unavailable"}
