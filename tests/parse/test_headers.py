from spamintel.parse.headers import decode_value, parse_fields, split_message


def test_folded_values_are_unfolded_with_one_space_whatever_the_line_ends():
    block = (b"Received: from a.example (a.example [192.0.2.1])\r\n\tby mx.example;\r\n"
             b" Sun, 8 Apr 2007 13:21:30 -0400\r\nSubject: one\n  two\n\tthree\r\n"
             b"X-Empty:\r\nX-Trailing-CR: value\r")
    fields, defects = parse_fields(block, 100)
    assert fields == [
        ("received", "from a.example (a.example [192.0.2.1]) by mx.example; "
                     "Sun, 8 Apr 2007 13:21:30 -0400"),
        ("subject", "one two three"), ("x-empty", ""), ("x-trailing-cr", "value")]
    assert defects == []


def test_lines_that_are_not_fields_are_a_defect_and_the_rest_survives():
    fields, defects = parse_fields(b"From: a@b.example\nthis is not a header\nTo: c@d.example",
                                   100)
    assert [name for name, _ in fields] == ["from", "to"]
    assert defects == ["malformed_header_line"]


def test_nul_bytes_8bit_and_header_floods():
    flood = b"\n".join(b"X-H%d: v" % i for i in range(10_000))
    fields, defects = parse_fields(b"Subject: caf\xc3\xa9\x00\n" + flood, 1000)
    assert fields[0] == ("subject", "café") and len(fields) == 1000
    assert set(defects) == {"nul_in_headers", "8bit_header", "too_many_headers"}


def test_split_message_finds_the_first_blank_line():
    assert split_message(b"A: 1\r\n\r\nbody\n\nmore") == (b"A: 1", 8, [])
    assert split_message(b"A: 1\n\nbody") == (b"A: 1", 6, [])
    assert split_message(b"A: 1") == (b"A: 1", 4, ["no_header_body_separator"])


def test_names_are_lower_case_however_many_different_names_arrive():
    block = b"\n".join(b"X-Made-Up-%d:\t \tValue %d " % (i, i) for i in range(10_000))
    fields, _ = parse_fields(block + b"\nSUBJECT:  Hi  ", 20_000)
    assert fields[-1] == ("subject", "Hi")
    assert fields[:10_000] == [(f"x-made-up-{i}", f"Value {i}") for i in range(10_000)]
    long_name = b"X-" + b"Long" * 50_000
    assert parse_fields(long_name + b": v", 10)[0] == [(long_name.decode().lower(), "v")]


def test_broken_encoded_words_are_a_defect_and_decoded_leniently():
    # base64 without its padding, base64 with a stray character, an unknown charset:
    # what a lenient mail reader shows, with a defect, never an exception
    defects: list[str] = []
    assert decode_value("=?utf-8?B?SGVsbG8?= world", defects) == "Hello world"
    assert decode_value("=?GB2312?B?1cXPyMn?= <a@example.com>", defects).endswith(
        " <a@example.com>")
    assert decode_value("=?x-bogus?Q?caf=E9?=", defects) == "café"
    assert defects and all(d.startswith("bad_encoded_word:") for d in defects)
    assert decode_value("=?rot13?B?!!!?=", []) == ""
    assert decode_value("=?i\u00e3so-8859-1?Q?caf=E9?=", []) == "café"  # no charset name
