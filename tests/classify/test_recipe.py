from spamintel.classify.dataset import Example
from spamintel.classify.linear import LinearModel
from spamintel.classify.recipe import folder_messages, train_from_folders, validation_split
from spamintel.testing import make_message


def write_mail(folder, subjects_bodies):
    folder.mkdir()
    for i, (subject, body) in enumerate(subjects_bodies):
        (folder / f"{i}.eml").write_bytes(make_message(subject=subject, body=body))


def own_mail(tmp_path):
    write_mail(tmp_path / "ham", [(f"Project sync {i}", "Agenda: review the build and "
                                   f"the release notes, meeting room {i}") for i in range(30)])
    write_mail(tmp_path / "spam", [(f"Cheap pills {i}", "Buy viagra cialis pharmacy now "
                                    f"http://pills{i % 3}.example.ru/") for i in range(30)])
    return {"ham": [tmp_path / "ham"], "spam": [tmp_path / "spam"], "phish": []}


def test_own_mail_is_labelled_in_order(tmp_path):
    msgs = folder_messages(own_mail(tmp_path))
    assert [m.label for m in msgs].count("ham") == 30
    assert [m.order for m in msgs if m.label == "spam"] == list(range(30))


def test_train_on_own_mail(tmp_path):
    out = tmp_path / "model" / "mine.npz"
    model = train_from_folders(own_mail(tmp_path), out, "mine-1", workers=1)
    loaded = LinearModel.load(out)
    assert loaded.version == "mine-1" and out.with_suffix(".json").exists()
    assert loaded.meta["manifest"]["own_mail"] == {"ham": 30, "spam": 30}
    assert loaded.meta["params"]["c_spam"] == [20.0]  # the recipe's spam fit is recorded
    assert loaded.meta["params"]["spam_damping"] == [0.0]
    assert model.score({"viagra", "pharmacy"}).spam > 0.5 > model.score({"agenda", "build"}).spam


def test_validation_slice_is_the_latest_part_of_each_corpus():
    exs = [Example(c, str(i), "ham", "train", 0, i, frozenset()) for c in "ab" for i in range(100)]
    fit, val = validation_split(exs)
    assert len(val) == 20 and min(e.order for e in val) >= 90 > max(e.order for e in fit)
