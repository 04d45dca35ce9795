"""A drill recorded in the store carries the trainee's name and its silences through a resume."""

from __future__ import annotations

from cxcoach.store import RecordedDrill, Store


def test_name_and_silences_survive_a_resume(tmp_path):
    from cxcoach.playbook import load_playbook

    from .conftest import write_playbook
    from .test_customer import listening_text as text

    pb = load_playbook(write_playbook(tmp_path / "pb", text()))
    with Store.open(tmp_path / "h.sqlite3") as store:
        run = RecordedDrill.start(store, store.trainee("Ana"), pb, "cafe", seed=3, locale="en")
        run.wait()
        run.reply("I'm sorry, I'll have a fresh plate made right away.")
        again = RecordedDrill.resume(store, pb, run.id)
        assert again.session.trainee == "Ana" and len(again.session.silences) == 1
        assert again.session.state == run.session.state and again.session.customer_text == run.session.customer_text
        again.reply("Thank you, I'm sorry.")
        assert again.session.customer_text == "Thank you, Ana."
        (row,) = store.sessions()
        assert row.finished and row.turns == 2  # silences are not replies
