import pytest

from spamintel.parse.attachments import describe, sniff_type


@pytest.mark.parametrize("content, mime", [
    (b"MZ\x90\x00", "application/x-dosexec"),
    (b"%PDF-1.4", "application/pdf"),
    (b"  <HTML><body>x", "text/html"),
    (b"plain words\r\n\tand a tab\n", "text/plain"),
    (b"plain words with a \x7f", "application/octet-stream"),
    (b"caf\xc3\xa9", "application/octet-stream"),
    (b"x" * 512 + b"\x00", "text/plain"),  # only the first 512 bytes are looked at
    (b"\x00\x01", "application/octet-stream"),
    (b"", "application/x-empty"),
])
def test_sniffed_type_comes_from_the_bytes(content, mime):
    assert sniff_type(content) == mime


def test_describe_keeps_name_extension_size_and_hash():
    rec = describe(" Invoice.PDF.exe ", "application/pdf", b"MZ")
    assert rec["filename"] == "Invoice.PDF.exe" and rec["ext"] == "exe"
    assert rec["sniffed_type"] == "application/x-dosexec" and rec["size"] == 2
    assert len(rec["sha256"]) == 64
