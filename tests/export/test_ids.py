"""Export ids are the standard UUIDv5 of their key."""

import uuid

import pytest

from spamintel.export._ids import uuid5


@pytest.mark.parametrize("name", ["ip:91.200.12.1", "domain:xn--bcher-kva.ru", "", "ü"])
def test_same_as_the_standard_library(name):
    namespace = uuid.UUID("6f1c2a4e-3b2d-5f0a-9c1e-5a9d7e2b8c41")
    assert uuid5(namespace, name) == str(uuid.uuid5(namespace, name))
