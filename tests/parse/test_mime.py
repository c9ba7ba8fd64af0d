import pytest

from spamintel.parse.headers import parse_fields, split_message
from spamintel.parse.mime import mime_fields_only, parse_params, parse_structure


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


_MULTIPART = (b"Received: from x ([1.2.3.4])\r\n\tby y; Sun, 8 Apr 2007 13:21:30 -0400\r\n"
              b"Subject: =?utf-8?q?caf=C3=A9?=\r\nMIME-Version: 1.0\r\n"
              b"content-type: multipart/mixed;\r\n\tboundary=\"XX\"\r\nX-Mailer: m\r\n"
              b"Content-Transfer-Encoding: 7bit\r\n\r\n"
              b"--XX\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
              b"aGVsbG8=\r\n--XX\r\nContent-Type: application/pdf; name=a.pdf\r\n\r\n%PDF\r\n"
              b"--XX--\r\n")


@pytest.mark.parametrize("data", [_MULTIPART, _MULTIPART.replace(b"\r\n", b"\n")])
def test_mime_fields_only_keeps_those_fields_and_the_body_byte_for_byte(data):
    _, offset, _ = split_message(data)
    reduced = mime_fields_only(data, offset)
    nl = b"\r\n" if b"\r\n" in data else b"\n"
    assert reduced == nl.join([b"MIME-Version: 1.0", b"content-type: multipart/mixed;",
                               b"\tboundary=\"XX\"", b"Content-Transfer-Encoding: 7bit", b""]) \
        + data[offset - len(nl):]


@pytest.mark.parametrize("data", [
    _MULTIPART,
    _MULTIPART.replace(b"\r\n", b"\n"),
    b"Subject: s\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\naGk=\r\n",
    b"Content-Disposition: attachment; filename=\"a.txt\"\r\nFrom: a@b\r\n\r\nhi\r\n",
])
def test_a_clean_header_block_gives_the_same_tree_from_its_mime_fields(data):
    block, offset, _ = split_message(data)
    headers, defects = parse_fields(block, 1000)
    assert not defects
    first = dict(reversed(headers))
    reduced = parse_structure(data, 50, 500, first.get, offset, clean_header=True)
    assert reduced == parse_structure(data, 50, 500, first.get, offset)
    assert reduced.path == "fast" and reduced.leaves


def test_a_message_without_mime_fields_is_parsed_whole():
    data = b"Subject: s\r\n\r\n--XX\r\n"
    assert mime_fields_only(data, split_message(data)[1]) is None


def test_content_type_parameters_belong_to_each_caller():
    # A recurring value may be split once; each caller still gets a dict of its own.
    value = 'text/plain; charset="KOI8-R"; format=flowed'
    first, second = parse_params(value), parse_params(value)
    assert first == second == ("text/plain", {"charset": "KOI8-R", "format": "flowed"})
    first[1]["charset"] = "x"
    assert parse_params(value)[1]["charset"] == "KOI8-R"
    long = "text/html; name=" + "a" * 300
    assert parse_params(long) == ("text/html", {"name": "a" * 300})
