from __future__ import annotations

import pytest

from cxcoach.playbook import PlaybookError, load_playbook, loader


def test_second_load_comes_from_cache_and_edits_invalidate(mini_dir, monkeypatch):
    first = load_playbook(mini_dir)
    calls = []
    real = loader.check_playbook
    monkeypatch.setattr(loader, "check_playbook", lambda *a, **k: calls.append(1) or real(*a, **k))
    again = load_playbook(mini_dir)
    assert again == first and calls == []
    path = mini_dir / "content.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("priority: 90", "priority: 80"), encoding="utf-8")
    edited = load_playbook(mini_dir)
    assert calls == [1] and edited.rules[0].priority == 80


def test_invalid_playbook_is_never_cached(mini_dir):
    path = mini_dir / "content.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("steps: [listen]", "steps: [nope]"), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(PlaybookError):
            load_playbook(mini_dir)


def test_corrupt_cache_entry_is_ignored(mini_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("CXCOACH_CACHE", str(tmp_path / "c"))
    load_playbook(mini_dir)
    (entry,) = (tmp_path / "c").glob("*.pickle")
    entry.write_bytes(b"not a pickle")
    assert load_playbook(mini_dir).id == "mini"


def test_cached_sections_unpickle_item_by_item_and_equal_the_built_ones(mini_dir):
    import pickle

    from cxcoach.playbook.cache import DeferredSection

    built = load_playbook(mini_dir, cache=False)
    load_playbook(mini_dir)  # fills the cache
    cached = load_playbook(mini_dir)
    assert isinstance(cached.steps, DeferredSection)
    assert cached.steps._items == {}  # nothing unpickled before it is asked for
    first = next(iter(cached.steps))
    assert cached.steps[first] == built.steps[first] and list(cached.steps._items) == [first]
    assert list(cached.steps) == list(built.steps) and len(cached.steps) == len(built.steps)
    assert first in cached.steps and "no-such-step" not in cached.steps
    with pytest.raises(KeyError):
        cached.steps["no-such-step"]
    assert cached == built
    assert pickle.loads(pickle.dumps(cached)) == built  # pickles as plain dicts
    assert type(pickle.loads(pickle.dumps(cached)).steps) is dict


def test_entry_of_an_older_layout_is_a_miss(mini_dir, tmp_path, monkeypatch):
    import pickle

    monkeypatch.setenv("CXCOACH_CACHE", str(tmp_path / "c"))
    built = load_playbook(mini_dir)
    (entry,) = (tmp_path / "c").glob("*.pickle")
    entry.write_bytes(pickle.dumps(built))  # a whole playbook, as the first layout stored it
    assert load_playbook(mini_dir) == built


def test_an_edit_replaces_the_folders_entry_instead_of_adding_one(mini_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("CXCOACH_CACHE", str(tmp_path / "c"))
    load_playbook(mini_dir)
    path = mini_dir / "content.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("priority: 90", "priority: 80"), encoding="utf-8")
    assert load_playbook(mini_dir).rules[0].priority == 80
    assert len(list((tmp_path / "c").glob("*.pickle"))) == 1
    assert load_playbook(mini_dir).rules[0].priority == 80  # and the new entry is the one used
