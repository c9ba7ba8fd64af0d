import random

from spamintel.simulate.smtp import before_first_mail, prelude, speech_for, transaction
from spamintel.simulate.templates import load_profiles


def test_pipelined_commands_come_before_their_replies():
    dialects, _ = load_profiles()
    sp = speech_for(dialects["ehlo_machine_pipe_lf"], random.Random(3))
    sp.pipelining, sp.rset_p = True, 0.0
    entries, end = transaction(sp, 10, "a@b.example", ["x@y.example", "z@y.example"], 900,
                               random.Random(1))
    who = [w for _, w, _ in entries]
    assert who[:4] == ["C", "C", "C", "C"] and who[4:7] == ["S", "S", "S"]
    assert entries[0][2] == "MAIL FROM:<a@b.example>" + sp.eol
    assert entries[-2][2] == ".\r\n" and end > 10


def test_lock_step_and_exact_forms():
    dialects, _ = load_profiles()
    sp = speech_for(dialects["helo_title_noangle"], random.Random(3))
    sp.greet, sp.pipelining, sp.rset_p = "Helo {helo}", False, 0.0
    pre = prelude(sp, "[1.2.3.4]", "mx.example")
    assert pre[1][2] == "Helo [1.2.3.4]\r\n" and pre[2][2] == "250 mx.example"
    entries, _ = transaction(sp, 5, "a@b", ["c@d"], 100, random.Random(2))
    assert [w for _, w, _ in entries] == ["C", "S", "C", "S", "C", "S", "C", "S"]
    assert entries[0][2] == "Mail From:a@b\r\n"
    assert before_first_mail(pre + entries) == pre


def test_noise_changes_some_sessions():
    dialects, _ = load_profiles()
    d = dialects["ehlo_lower_rset"]
    greets = {speech_for(d, random.Random(i)).greet for i in range(400)}
    assert "ehlo {helo}" in greets and len(greets) > 1
