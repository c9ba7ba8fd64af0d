import json

from typer.testing import CliRunner

from spamintel.cli import app
from spamintel.testing import make_message


def test_train_needs_data():
    result = CliRunner().invoke(app, ["train", "--out", "m.npz"])
    assert result.exit_code != 0


def test_train_on_own_mail_then_classify_with_it(tmp_path):
    for label, subject, body in (("ham", "Build notes", "the release build passed review"),
                                 ("spam", "Cheap pills", "buy viagra pharmacy pills now")):
        (tmp_path / label).mkdir()
        for i in range(20):
            (tmp_path / label / f"{i}.eml").write_bytes(make_message(subject=f"{subject} {i}",
                                                                     body=f"{body} {i}"))
    out = tmp_path / "mine.npz"
    runner = CliRunner()
    result = runner.invoke(app, ["train", "--out", str(out), "--ham", str(tmp_path / "ham"),
                                 "--spam", str(tmp_path / "spam"), "--version", "mine-1",
                                 "--workers", "1", "--spam-c", "20", "--spam-c", "100",
                                 "--spam-damping", "0", "--spam-damping", "10"])
    assert result.exit_code == 0, result.output
    assert "mine-1" in result.output and out.exists()
    params = json.loads(out.with_suffix(".json").read_text())["params"]
    assert (params["c_spam"], params["spam_damping"]) == ([20.0, 100.0], [0.0, 10.0])
    assert params["fisher_tokens"] is True  # one site's mail: the site recipe by default
    result = runner.invoke(app, ["classify", "--model", str(out), "--json",
                                 str(tmp_path / "spam" / "0.eml")])
    assert '"verdict": "spam"' in result.output


def test_training_mail_without_a_class_it_needs_is_a_usage_error(tmp_path):
    # an empty corpora folder, and ham folders with an empty spam folder
    (tmp_path / "ham").mkdir()
    (tmp_path / "ham" / "0.eml").write_bytes(make_message())
    (tmp_path / "spam").mkdir()
    runner = CliRunner()
    for args in (["--corpus", str(tmp_path / "spam")],
                 ["--ham", str(tmp_path / "ham"), "--spam", str(tmp_path / "spam")]):
        result = runner.invoke(app, ["train", "--out", str(tmp_path / "m.npz"), *args])
        assert result.exit_code == 2 and "Traceback" not in result.output, result.output
        assert "needs both ham and spam" in " ".join(result.output.replace("│", " ").split())
