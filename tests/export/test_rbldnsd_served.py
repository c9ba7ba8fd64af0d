"""The rbldnsd files served by a real rbldnsd (Debian's): every listed IPv4 address and
every address inside a listed IPv6 /64 answers 127.0.0.2 with its TXT, the RFC 5782 test
points answer, and nothing else does. Skipped without rbldnsd, except under CI=true."""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import subprocess
import time

import dns.exception
import dns.resolver
import pytest

from spamintel.export import to_rbldnsd, to_rbldnsd6

ZONE = "bl.example.org"


@pytest.fixture(scope="module")
def resolver(found, now, tmp_path_factory):
    """A resolver asking an rbldnsd that serves both files of ``found`` on a free port."""
    binary = shutil.which("rbldnsd") or shutil.which("/usr/sbin/rbldnsd")
    if binary is None:
        reason = "rbldnsd not installed (apt-get install rbldnsd)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("rbldnsd")
    root.chmod(0o755)  # rbldnsd reads it after giving up root
    (root / "v4").write_text(to_rbldnsd(found, zone=ZONE, now=now))
    (root / "v6").write_text(to_rbldnsd6(found, zone=ZONE, now=now))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    user = ["-u", "nobody"] if os.geteuid() == 0 else []
    proc = subprocess.Popen([binary, "-n", *user, "-r", str(root), "-b", f"127.0.0.1/{port}",
                             f"{ZONE}:ip4set:v4", f"{ZONE}:ip6trie:v6"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    res = dns.resolver.Resolver(configure=False)
    res.nameservers, res.port, res.lifetime = ["127.0.0.1"], port, 2.0
    deadline = time.monotonic() + 10
    while not _answers(res, "2.0.0.127." + ZONE):
        assert proc.poll() is None and time.monotonic() < deadline, proc.stdout.read()
        time.sleep(0.1)
    yield res
    proc.terminate()
    proc.wait(10)


def _answers(res: dns.resolver.Resolver, name: str) -> bool:
    try:
        res.resolve(name, "A")
    except (dns.resolver.NXDOMAIN, dns.exception.Timeout, dns.resolver.NoNameservers):
        return False
    return True


def _name(address: str) -> str:
    reverse = ipaddress.ip_address(address).reverse_pointer
    return reverse.rsplit(".in-addr.arpa", 1)[0].rsplit(".ip6.arpa", 1)[0] + "." + ZONE


def _listing(res: dns.resolver.Resolver, address: str) -> tuple[str, str] | None:
    """(A, TXT) for ``address``, None when it is not listed."""
    try:
        a = res.resolve(_name(address), "A")[0].to_text()
        txt = b"".join(res.resolve(_name(address), "TXT")[0].strings).decode()
    except dns.resolver.NXDOMAIN:
        return None
    return a, txt


def test_listed_ipv4_bots_and_the_test_point_answer(resolver, found):
    for ip in (i.value for i in found.ips if ":" not in i.value):
        a, txt = _listing(resolver, ip)
        assert a == "127.0.0.2" and txt.startswith("Listed by spamintel: botnet ")
    assert _listing(resolver, "127.0.0.2")[1] == "Test entry (RFC 5782 section 5)"
    assert _listing(resolver, "127.0.0.1") is None
    assert _listing(resolver, "91.200.12.3") is None  # it delivered ham


def test_any_address_of_a_listed_ipv6_network_answers(resolver):
    a, txt = _listing(resolver, "2a00:1450:4001:81b:dead:beef:0:42")  # a new address
    assert a == "127.0.0.2" and "botnet Rustock, 2 addresses" in txt
    assert _listing(resolver, "2a00:1450:4001:81c::1") is None  # the next /64
    assert _listing(resolver, "2a02:c7f:5e1:a00::7") is None  # its /64 delivered ham
    assert _listing(resolver, "::ffff:7f00:2")[1] == "Test entry (RFC 5782 section 5)"
    assert _listing(resolver, "::ffff:7f00:1") is None
