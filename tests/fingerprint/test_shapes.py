import pytest

from spamintel.fingerprint.shapes import boundary_shape, date_shape, message_id_shape, subject_shape


@pytest.mark.parametrize("a, b", [
    ("<20070408.12345@mail.example.com>", "<20110316.99999@other.example.org>"),
    ("<000a01c77a09$5f1fbe70$6401a8c0@Peter>", "<000b01c7fa09$5f1fb471$6401a8c0@Peter>"),
])
def test_same_template_same_message_id_shape(a, b):
    assert message_id_shape(a) == message_id_shape(b)


def test_message_id_shape_form():
    assert message_id_shape("<20070408.12345@mail.example.com>") == "<D8.D5@H>"
    assert message_id_shape("<abc@[10.0.0.1]>") == "<L@IP>"
    assert message_id_shape("<1234.5678@mail.example.com>") != message_id_shape(
        "<ABCDEFGH.5678@mail.example.com>")


@pytest.mark.parametrize("value, shape", [
    ("<a1b2c3d4@x.example>", "<H8@H>"),  # letters a-f with digits: hex
    ("<a1g2c3d4@x.example>", "<X8@H>"),  # one letter past f: mixed
    ("<ABCDEFGH.1@x.example>", "<U8.D1@H>"),
    ("<abcdefgh.1@x.example>", "<L8.D1@H>"),
    ("<AbCdEfGh.1@x.example>", "<A8.D1@H>"),
    ("<x9@[10.0.0.1]>", "<X2@IP>"),
    ("<\u00e9t\u00e912.A@host>", "<LLLD2.U@L>"),  # not ASCII: read as it is
    ("<@>", "<@>"),
])
def test_message_id_letter_classes_and_case_keep_their_shapes(value, shape):
    assert message_id_shape(value) == message_id_shape(value) == shape


def test_date_shape_ignores_values_keeps_format():
    a = date_shape("Sun, 8 Apr 2007 13:21:30 -0400 (EDT)")
    assert a == date_shape("Mon, 19 Mar 2011 01:02:03 +0100 (CET)")
    assert a != date_shape("8 Apr 2007 13:21:30 -0400")


def test_subject_and_boundary_shapes():
    assert subject_shape("Cheap meds 123 for you") == subject_shape("cheap MEDS 99 for you")
    assert boundary_shape('multipart/mixed; boundary="----=_NextPart_000_0001_01C77A09.5F1FBE70"'
                          ) == "----=_NextPart_#_#_H8.H8"
    assert boundary_shape("text/plain") is None


@pytest.mark.parametrize("pad", [0, 300])  # a short value may come from a memo, a long one not
def test_shapes_of_repeated_or_long_values_are_the_same(pad):
    subject = "Cheap meds 123 for you" + " x" * pad
    assert subject_shape(subject) == subject_shape(subject) == subject_shape(subject.upper())
    assert subject_shape(subject).startswith("cheap meds # for you")
    ctype = 'multipart/mixed; boundary="=_Part_4711"' + " " * pad
    assert boundary_shape(ctype) == boundary_shape(ctype) == "=_Part_#"
    assert boundary_shape("text/plain" + " " * pad) is None


@pytest.mark.parametrize("text, shape", [
    ("Sun, 8 Apr 2007 13:21:30 -0400 (EDT)", "Www, N Mmm D4 N:N:N +D4 (Z)"),
    ("Sun, 18 Apr 2007 3:21:30 -0400 (EDT)", "Www, N Mmm D4 N:N:N +D4 (Z)"),
    ("Sun, 8 Apr 2007x 13:21:30 -0400", "Www, N Mmm 2007x N:N:N +D4"),  # a mixed word stays
    ("Sun, \u0668 Apr 2007 13:21:30 -0400", "Www, N Mmm D4 N:N:N +D4"),
])
def test_date_shapes_of_one_template_agree_and_mixed_words_stay(text, shape):
    assert date_shape(text) == date_shape(text) == shape
