"""HTML reduced to visible text, and part bytes decoded by their charset."""

from __future__ import annotations

from spamintel.parse.text import decode_bytes, html_to_text


def test_scripts_styles_and_head_are_dropped_up_to_their_own_closing_tag():
    markup = ("<HEAD><title>t</title><style>p {x: 1}</style></head >"
              "<p>Buy <b>now</b></p><script>if (a < b) { x = '</div>' }</SCRIPT\n>"
              "<div>cheap &amp; fast&nbsp;pills</div>")
    assert html_to_text(markup) == "Buy now\ncheap & fast pills"


def test_a_closing_tag_of_another_element_does_not_end_a_script():
    markup = "<script>a</style> b</scriptx> c</script>visible"
    assert html_to_text(markup) == "visible"


def test_an_unclosed_script_is_kept_as_text():
    assert html_to_text("<script>var x = 1;<p>shown") == "var x = 1;\nshown"
    assert html_to_text("<head> aaaa <p> " * 500).count("aaaa") == 500


def test_decode_bytes_reports_unknown_and_mismatched_charsets():
    defects: list[str] = []
    assert decode_bytes("é".encode("latin-1"), "x-unknown", defects) == "\ufffd"
    assert defects == ["unknown_charset", "charset_mismatch"]
    assert decode_bytes("é".encode("latin-1"), "iso-8859-1", []) == "é"


def test_charset_names_that_no_codec_accepts_and_codecs_that_make_surrogates():
    # a NUL inside the name; UTF-7 and unicode_escape, which decode to lone surrogates
    defects: list[str] = []
    assert decode_bytes(b"hi", "utf\x00-8", defects) == "hi"
    assert defects == ["unknown_charset"]
    defects = []
    assert decode_bytes(b"a +3g8- b", "utf-7", defects) == "a \ufffd b"
    assert decode_bytes(b"\\ud800", "unicode_escape", defects) == "\ufffd"
    assert defects == ["lone_surrogate", "lone_surrogate"]
