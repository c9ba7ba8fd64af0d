import json

from typer.testing import CliRunner

from spamintel.cli import app
from spamintel.testing import make_message


def test_classify_json_lines(tmp_path):
    (tmp_path / "a.eml").write_bytes(make_message(subject="hello"))
    (tmp_path / "b.eml").write_bytes(make_message(subject="Cheap VIAGRA", body="Buy viagra "
                                                  "cialis pills online pharmacy http://x.example.ru"))
    result = CliRunner().invoke(app, ["classify", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [sorted(r) for r in rows] == [["category", "reasons", "source", "spam_score",
                                         "verdict"]] * 2
    assert rows[1]["verdict"] == "spam" and rows[1]["category"] == "pharma"
    assert 0 <= rows[0]["spam_score"] <= 1


def test_classify_text_output(tmp_path):
    (tmp_path / "a.eml").write_bytes(make_message(subject="hello"))
    result = CliRunner().invoke(app, ["classify", str(tmp_path / "a.eml")])
    assert result.exit_code == 0 and "a.eml" in result.output


def test_input_that_cannot_be_classified_is_said_and_exits_1(tmp_path):
    (tmp_path / "a.eml").write_bytes(make_message(subject="hello"))
    (tmp_path / "empty.eml").write_bytes(b"")
    result = CliRunner().invoke(app, ["classify", str(tmp_path), str(tmp_path / "missing.eml"),
                                      "--json"])
    assert result.exit_code == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    reasons = {r["source"].rsplit("/", 1)[-1]: r["reasons"] for r in rows if r["verdict"] is None}
    assert reasons == {"empty.eml": ["unreadable:empty: no bytes"],
                       "missing.eml": ["unreadable:not_found"]}
    assert "2 of 3 inputs could not be classified" in result.stderr
