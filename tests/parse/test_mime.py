import pytest

from spamintel.parse.headers import parse_fields, split_message
from spamintel.parse.mime import parse_structure


def _both(data: bytes):
    block, offset, _ = split_message(data)
    headers, _ = parse_fields(block, 1000)
    first = dict(reversed(headers))
    return parse_structure(data, 50, 500, first.get, offset), parse_structure(data, 50, 500)


@pytest.mark.parametrize("head", [
    b"Content-Type: text/plain; charset=\"koi8-r\"\r\n",
    b"Content-Type: text/html\r\nContent-Transfer-Encoding: 8bit\r\n",
    b"",
])
def test_one_part_text_is_read_directly_with_the_same_result(head):
    data = b"From: a@b.example\r\nSubject: hi\r\n" + head + b"\r\nline one\r\n<b>two</b>\r\n"
    direct, parsed = _both(data)
    assert direct.path == "single" and parsed.path == "fast"
    assert [(x.content_type, x.params, x.content, x.filename) for x in direct.leaves] == \
        [(x.content_type, x.params, x.content, x.filename) for x in parsed.leaves]


@pytest.mark.parametrize("head", [
    b"Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n",
    b"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n",
    b"Content-Type: application/octet-stream; name=\"a.exe\"\r\n",
    b"Content-Type: text/plain\r\nContent-Disposition: attachment; filename=a.txt\r\n",
    b"Content-Type: multipart/mixed; boundary=X\r\n",
])
def test_encoded_attached_or_multipart_mail_goes_to_the_mime_parser(head):
    data = b"From: a@b.example\r\n" + head + b"\r\n--X\r\n\r\naGVsbG8=\r\n--X--\r\n"
    direct, _ = _both(data)
    assert direct.path in ("fast", "stdlib")


def test_standard_library_path_reads_8bit_part_headers(monkeypatch):
    # the stdlib hands back a Header object for a value with 8-bit bytes
    import spamintel.parse.mime as mime

    def refuse(data):
        raise ValueError("refused")

    monkeypatch.setattr(mime.fmp, "parse_email_tree", refuse)
    data = (b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n"
            b"--XX\r\nContent-Type: text/plain; name=\"caf\xe9.txt\"\r\n\r\nhello\r\n--XX--\r\n")
    out = parse_structure(data, 50, 500)
    assert out.defects[0] == "fast_parser_refused:ValueError"
    [leaf] = out.leaves
    assert leaf.content_type == "text/plain" and leaf.params["name"].startswith("caf")
    assert leaf.content == b"hello"
