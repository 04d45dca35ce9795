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
