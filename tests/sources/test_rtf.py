"""Bodies kept as RTF in Outlook files: encapsulated HTML (MS-OXRTFEX), native RTF text."""

from __future__ import annotations

import random
import struct

import olefile
import pytest

from spamintel.sources._rtf import decompress, rtf_body
from spamintel.testing.outlook import ENCAPSULATED, NATIVE, expanding_rtf, rtf_property


def test_encapsulated_html_is_given_back_as_html():
    body = rtf_body(ENCAPSULATED)
    assert body.subtype == "html"
    html = body.content
    assert html.startswith("<html><head><style>p {margin:0}</style></head><body><p>")
    assert '<a href="http://secure-login.example/verify?id=1&amp;x=2">must be verified</a>' \
        in html
    # the code page's letters and a \u character with its fallback dropped
    assert "</a> today. Привет €</p>" in html and "?" not in html.split("today.")[1]
    # nothing of RTF's own rendering: no fonts, no generator, no field instruction
    assert "Arial" not in html and "Exchange" not in html and "HYPERLINK" not in html


def test_native_rtf_is_its_text_with_each_link_address():
    body = rtf_body(NATIVE)
    assert body.subtype == "plain"
    assert body.content == ("Your parcel is waiting.\r\nPay the fee at "
                            " <http://parcel-fee.example/pay> this page.\r\nCafé\tok\r\n")


def test_binary_data_is_not_read_as_text():
    body = rtf_body(rb"{\rtf1\ansi before {\*\objdata \bin4 }{x\} after}")
    assert body.content == "before  after"


def test_a_property_round_trips_compressed_or_stored():
    for doc in (NATIVE, ENCAPSULATED, b"", b"x" * 8, bytes(range(256)) * 40):
        assert decompress(rtf_property(doc)) == doc
        assert decompress(rtf_property(doc, compressed=False)) == doc


def test_outlooks_own_compressed_rtf_is_read(corpora):
    """The mail-parser fixture's body, compressed by Outlook (references into the ring)."""
    ole = olefile.OleFileIO(str(corpora / "mailparser_fixtures" / "mail_outlook_1"))
    data = ole.openstream("__substg1.0_10090102").read()
    rtf = decompress(data)
    assert len(rtf) == struct.unpack_from("<I", data, 4)[0] == 19090
    assert rtf.startswith(rb"{\rtf1\ansi\fbidis\ansicpg1252\deff0\fromhtml1{\fonttbl")
    assert rtf.rstrip().endswith(b"}") and len(rtf) > 3 * len(data)


def test_a_stream_that_expands_without_end_is_cut_at_the_limit():
    assert len(decompress(expanding_rtf(8_000), limit=50_000)) == 50_000
    assert len(decompress(expanding_rtf(800))) == 800 * 17


@pytest.mark.parametrize("data", [b"", b"\x00" * 15, b"\x00" * 8 + b"ZIP!" + b"\x00" * 8,
                                  expanding_rtf(16)[:-1] + b"\x00"])
def test_a_damaged_property_is_a_value_error(data):
    with pytest.raises(ValueError):
        decompress(data)


def test_hostile_rtf_never_fails():
    deep = b"{\\rtf1\\fromhtml1 " + b"{" * 200_000 + b"deep" + b"}" * 200_000 + b"}"
    assert rtf_body(deep).content == "deep"  # no recursion: nesting costs no stack
    rng = random.Random(5)
    for _ in range(300):
        cut = bytearray(ENCAPSULATED[:rng.randrange(len(ENCAPSULATED))])
        for _ in range(rng.randrange(8)):
            if cut:
                cut[rng.randrange(len(cut))] = rng.randrange(256)
        rtf_body(bytes(cut)).content.encode("utf-8")  # whole characters only
    assert rtf_body(b"}}}{\\u-10000?\\u99999999999 \\'zz\\").content is not None


def test_characters_outside_the_basic_plane_come_whole():
    # RTF writes them as UTF-16 surrogate pairs; a lone half is replaced, never raised
    body = rtf_body(rb"{\rtf1\ansi Win \u-10179?\u-8704? now \u-10240? ok}")
    assert body.content == "Win \U0001f600 now \ufffd ok"
    body.content.encode("utf-8")


def test_each_font_decodes_bytes_in_its_own_code_page():
    doc = (rb"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss\fcharset0 Arial;}"
           rb"{\f1\fnil\fcharset204 Arial CYR;}{\f2\fnil\fcharset238 Arial CE;}}"
           rb"Price \'80 5 {\f1 \'cf\'f0\'e8\'e2\'e5\'f2} \'e9t\'e9 \f2 \'9ailen\'fd\par}")
    assert rtf_body(doc).content == "Price € 5 Привет été šilený\r\n"
    # without a font table every byte is in the document's code page
    assert rtf_body(rb"{\rtf1\ansi\ansicpg1251 \'cf\'f0\'e8}").content == "При"
