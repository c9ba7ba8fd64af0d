import json

from typer.testing import CliRunner

from spamintel.cli import app
from spamintel.testing import sample_corpus

runner = CliRunner()


def _ingested(tmp_path, n: int) -> str:
    """A store of ``n`` messages of the sample corpus, ingested by the command."""
    mail = tmp_path / "mail"
    mail.mkdir()
    for name, data in sample_corpus(n):
        (mail / name).write_bytes(data)
    store = str(tmp_path / "s")
    res = runner.invoke(app, ["ingest", str(mail), "--store", store, "--no-progress"])
    assert res.exit_code == 0, res.output
    return store


def test_ingest_query_report(tmp_path):
    store = _ingested(tmp_path, 40)
    res = runner.invoke(app, ["query", "--store", store, "--format", "json",
                              "SELECT count(*) AS n FROM events"])
    assert res.exit_code == 0 and json.loads(res.stdout.strip()) == {"n": 40}
    res = runner.invoke(app, ["query", "--store", store, "--format", "csv",
                              "SELECT day, count(*) AS n FROM events GROUP BY 1 ORDER BY 1"])
    assert res.stdout.splitlines()[0] == "day,n" and "\r" not in res.stdout  # lines for pipes
    res = runner.invoke(app, ["report", "--store", store, "--month", "2007-04",
                              "--out", str(tmp_path / "r"), "--format", "md,json"])
    assert res.exit_code == 0 and res.stdout.count("report-2007-04") == 2


def test_bad_sql_is_a_clear_error(tmp_path):
    res = runner.invoke(app, ["query", "--store", str(tmp_path), "SELEC nonsense"])
    assert res.exit_code != 0 and "Traceback" not in res.output


def test_query_table_prints_hostile_values_as_text(tmp_path):
    res = runner.invoke(app, ["query", "--store", str(tmp_path),
                              "SELECT '[/x] [bold]hi[/bold]' AS \"[/s]\", 'a\x1b[2Jb' AS t"])
    assert res.exit_code == 0, res.output
    assert "[/x] [bold]hi[/bold]" in res.stdout and "[/s]" in res.stdout
    assert "\x1b[2J" not in res.stdout


def test_a_mistyped_month_is_an_error_not_an_empty_report(tmp_path):
    for month in ("2011-13", "March", "2011-03\r-x"):
        res = runner.invoke(app, ["report", "--store", str(tmp_path), "--month", month,
                                  "--out", str(tmp_path / "r")])
        assert res.exit_code != 0 and "YYYY-MM" in res.output and "Traceback" not in res.output
    res = runner.invoke(app, ["report", "--store", str(tmp_path), "--month", "2011-03",
                              "--out", str(tmp_path / "r"), "--format", "html,xls"])
    assert res.exit_code != 0 and "unknown format 'xls'" in res.output
    assert not (tmp_path / "r").exists()


def test_wrong_options_are_usage_errors_not_tracebacks(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[analyze]\nwindow_days = 'x'\n")
    broken = tmp_path / "bad.json"
    broken.write_text("{not json")
    store = tmp_path / "s"
    store.mkdir()
    for args, hint in ((["analyze", "--store", str(store), "--config", str(bad)], "window_days"),
                       (["analyze", "--store", str(store), "--calibration", str(broken)],
                        "cannot read calibration"),
                       (["analyze", "--store", str(tmp_path / "typo")], "no store at"),
                       (["query", "--store", str(tmp_path / "typo"), "SELECT 1"], "no store at"),
                       (["classify", str(bad), "--config", str(bad)], "window_days"),
                       (["ingest", str(store), "--store", str(store), "--labels",
                         str(tmp_path / "none")], "does not exist")):
        res = runner.invoke(app, args)
        assert res.exit_code == 2 and "Traceback" not in res.output, args
        assert hint in " ".join(res.output.replace("│", " ").split()), (args, res.output)


def _said(res) -> str:
    return " ".join(res.output.replace("│", " ").split())


def test_obvious_mistakes_are_one_line_usage_errors(tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    sigs = tmp_path / "sigs"
    sigs.mkdir()
    (sigs / "broken.yaml").write_text("name: [unclosed\n")
    cfg = tmp_path / "sigs.toml"
    cfg.write_text(f"[attribute]\nsignature_dirs = ['{sigs}']\n")
    store = tmp_path / "s"
    (store / "events").mkdir(parents=True)
    for args, hint in (
            (["ingest", str(tmp_path / "nowhere"), "--store", str(store)],
             "no such file or folder"),
            (["ingest", str(a_file), "--store", str(a_file)], "is a file, not a folder"),
            (["ingest", str(a_file), "--store", str(store), "--engine", "spark",
              "--spark-master", "bogus"], "no Spark master URL"),
            (["signatures", "suggest", "--cluster", "x", "--store", str(tmp_path / "typo")],
             "no store at"),
            (["query", "--store", str(store), "--format", "xml", "SELECT 1"],
             "'xml' is not one of"),
            (["report", "--store", str(store), "--month", "2011-03"], "holds no dated events yet"),
            (["export", "--store", str(store), "--out", str(a_file)], "is a file, not a folder"),
            (["simulate", "--out", str(tmp_path / "w"), "--start", "2011/03/16"],
             "expected YYYY-MM-DD"),
            (["simulate", "--out", str(tmp_path / "w"), "--start", "2011-03-18",
              "--end", "2011-03-16"], "is after --end"),
            (["simulate", "--out", str(tmp_path / "w"), "--replay", "foo"], "expected HOST:PORT"),
            (["simulate", "--out", str(tmp_path / "w"), "--start", "2012-03-16"],
             "lies in the scenario's period"),
            (["analyze", "--store", str(store), "--config", str(cfg)],
             "broken.yaml: line 2, column 1: expected ',' or ']'")):
        res = runner.invoke(app, args, env={"COLUMNS": "1000"})
        assert res.exit_code == 2 and "Traceback" not in res.output, (args, res.output)
        assert hint in _said(res), (args, res.output)
    assert not (tmp_path / "typo").exists()  # suggest made no store at a mistyped path
    assert not (tmp_path / "w").exists()


def test_a_report_of_a_month_outside_the_store_names_the_months_it_holds(tmp_path):
    store = _ingested(tmp_path, 5)
    res = runner.invoke(app, ["report", "--store", store, "--month", "2009-01",
                              "--out", str(tmp_path / "r")])
    assert res.exit_code == 2 and "no data for month 2009-01 (months held: 2007-04" in _said(res)
    assert not (tmp_path / "r").exists()


def test_a_report_holds_the_analysis_months_and_warns_of_events_after_it(tmp_path):
    from datetime import date

    from spamintel.analyze import analyze
    from spamintel.analyze.synthetic import SynthWorld, build_store
    from spamintel.config import AnalyzeConfig, Config

    w = SynthWorld(start=date(2011, 3, 1), end=date(2011, 3, 20),
                   shares={"trap-a": 6e-8, "mx-feed": 1.5e-8})
    store, _ = build_store(tmp_path / "s", w)
    analyze(store, Config(analyze=AnalyzeConfig(run_attribution=False)))
    mail = tmp_path / "mail"
    mail.mkdir()
    (mail / "late.eml").write_bytes(
        b"From: a@b.example\r\nTo: c@d.example\r\nSubject: late\r\n"
        b"Date: Tue, 10 May 2011 10:00:00 +0000\r\n\r\nbuy now\r\n")
    assert runner.invoke(app, ["ingest", str(mail), "--store", str(store.path),
                               "--no-progress"]).exit_code == 0
    res = runner.invoke(app, ["report", "--store", str(store.path), "--month", "2011-05",
                              "--out", str(tmp_path / "r")], env={"COLUMNS": "1000"})
    said = _said(res)
    assert res.exit_code == 2 and "no data for month 2011-05 (months held: 2011-03" in said
    assert "the store holds events up to 2011-05-10, the analysis up to 2011-03-20" in said


def test_a_calibration_that_covers_nothing_in_the_data_is_warned_of(tmp_path):
    store = _ingested(tmp_path, 5)
    cal = tmp_path / "cal.toml"
    for text in ("[calibration]\nsensor_shares = {nope = 1e-6}\n",
                 "[calibration]\nreference_start = '1999-01-01'\nreference_end = '1999-01-31'"
                 "\nreference_per_day = 5e10\n"):
        cal.write_text(text)
        res = runner.invoke(app, ["analyze", "--store", store, "--calibration", str(cal),
                                  "--no-attribution"])
        assert res.exit_code == 0, res.output
        assert "warning: the calibration given covers no sensor or day of the data" in res.output
