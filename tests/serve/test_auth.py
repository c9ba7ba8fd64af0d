"""Access tokens: a guarded dashboard refuses every path without one (but the health
check), accepts a Bearer token or Basic's password, refuses a token that is only nearly
right or a malformed header, and a token file that cannot guard it is refused."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient

from spamintel.serve import create_app
from spamintel.serve.app import SECURITY_HEADERS
from spamintel.serve.auth import (
    CHALLENGE,
    TokenFileError,
    presented_token,
    read_tokens,
    token_accepted,
)

TOKEN = "s3cret-token-0123456789"
OTHER = "rotated-token-abcdefghij"
PATHS = ("/", "/botnets/Rustock", "/events", "/campaigns", "/feeds", "/docs",
         "/api/months", "/api/report/2011-03", "/feeds/rbldnsd", "/openapi.json",
         "/static/dashboard.js", "/no/such/page")


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.fixture(scope="module")
def guarded(store):
    with TestClient(create_app(store, warm=False, tokens=(TOKEN, OTHER))) as c:
        yield c


@pytest.mark.parametrize("path", PATHS)
def test_every_path_needs_a_token(guarded, path):
    got = guarded.get(path)
    assert got.status_code == 401
    assert got.headers["WWW-Authenticate"] == CHALLENGE
    for name, value in SECURITY_HEADERS.items():
        assert got.headers[name] == value
    assert "Rustock" not in got.text


def test_refusal_is_json_under_the_api_and_text_on_pages(guarded):
    assert guarded.get("/api/months").json() == {"detail": "authentication required"}
    page = guarded.get("/")
    assert page.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize("header", [
    f"Bearer {TOKEN}", f"bearer {OTHER}", _basic("analyst", TOKEN), _basic("", OTHER),
    _basic("any", TOKEN)])
def test_a_valid_token_opens_every_path(guarded, header):
    assert guarded.get("/api/months", headers={"Authorization": header}).json()[
        "latest"] == "2011-03"
    assert guarded.get("/", headers={"Authorization": header}).status_code == 200
    assert guarded.get("/feeds/rbldnsd", headers={"Authorization": header}).status_code == 200


@pytest.mark.parametrize("header", [
    "", "Bearer", "Bearer ", f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", f"Token {TOKEN}",
    _basic(TOKEN, ""), "Basic not-base64!", "Basic " + base64.b64encode(b"\xff:\xfe").decode(),
    "Basic \xe9t\xe9", f"Bearer {TOKEN}\xe9",
    f"Basic {TOKEN}", _basic("user", TOKEN.upper())])
def test_a_wrong_or_malformed_header_is_refused(guarded, header):
    raw = header.encode("latin-1")  # as a client may send it: bytes, not always ASCII
    assert guarded.get("/api/months", headers={"Authorization": raw}).status_code == 401


def test_an_unguarded_app_needs_no_token(client):
    assert client.get("/api/months").status_code == 200


def test_presented_token():
    assert presented_token(f"Bearer {TOKEN}") == TOKEN
    assert presented_token(_basic("u", "p:with:colons")) == "p:with:colons"
    assert presented_token(None) is None
    assert presented_token(_basic("only-user", "")) is None
    assert presented_token("Basic " + base64.b64encode(b"no-colon").decode()) is None


def test_token_accepted_compares_whole_tokens():
    assert token_accepted(TOKEN, (OTHER, TOKEN))
    assert not token_accepted(TOKEN + "\0", (TOKEN,))
    assert not token_accepted("", (TOKEN,))
    assert not token_accepted(None, (TOKEN,))
    assert not token_accepted("ünïcode-token-value", (TOKEN,))


def test_read_tokens_skips_comments_and_blank_lines(tmp_path):
    path = tmp_path / "tokens"
    path.write_text(f"# analysts\n{TOKEN}\n\n  {OTHER}  \n")
    assert read_tokens(path) == (TOKEN, OTHER)


@pytest.mark.parametrize("text", ["", "# only a comment\n", "short\n",
                                  f"{TOKEN}\nwith a space in it 0123\n"])
def test_read_tokens_refuses_a_file_that_cannot_guard(tmp_path, text):
    path = tmp_path / "tokens"
    path.write_text(text)
    with pytest.raises(TokenFileError):
        read_tokens(path)


def test_read_tokens_refuses_a_missing_or_binary_file(tmp_path):
    with pytest.raises(TokenFileError, match="cannot read"):
        read_tokens(tmp_path / "absent")
    (tmp_path / "binary").write_bytes(b"\xff\xfe" * 20)
    with pytest.raises(TokenFileError, match="cannot read"):
        read_tokens(tmp_path / "binary")


def test_the_health_check_needs_no_token_and_tells_nothing(guarded):
    got = guarded.get("/healthz")
    assert got.status_code == 200 and got.json() == {"status": "ok"}
    assert guarded.get("/healthz/").status_code == 401
    assert guarded.get("/healthz?x=1").json() == {"status": "ok"}


def test_behind_a_root_path_the_api_answers_json_and_the_health_check_stays_open(store):
    with TestClient(create_app(store, warm=False, tokens=(TOKEN,)), root_path="/intel") as c:
        assert c.get("/intel/healthz").status_code == 200
        refused = c.get("/intel/api/months")
        assert refused.status_code == 401 and refused.json() == {
            "detail": "authentication required"}
        auth = {"Authorization": f"Bearer {TOKEN}"}
        for url, code in (("/intel/api/report/2011-13", 422), ("/intel/api/botnets/Nobody", 404),
                          ("/intel/feeds/nope", 404)):
            got = c.get(url, headers=auth)
            assert got.status_code == code and "detail" in got.json(), url
        page = c.get("/intel/botnets/Nobody", headers=auth)
        assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
