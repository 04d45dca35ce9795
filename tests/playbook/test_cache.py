from __future__ import annotations

import pickle
import random
from pathlib import Path

import msgspec
import pytest
from click.testing import CliRunner

from cxcoach.cli import main
from cxcoach.playbook import PlaybookError, cache, load_playbook, loader
from cxcoach.playbook.include import playbook_sources

from ..import_graph import closure, graph

CASE = "received_at: 2026-03-06T10:00:00+08:00\nfacts: {}\n"


@pytest.fixture
def cache_folder(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "c"
    monkeypatch.setenv("CXCOACH_CACHE", str(folder))
    return folder


@pytest.fixture
def builds(monkeypatch) -> list[int]:
    """Counts the loads that had to build the playbook from its YAML."""
    calls: list[int] = []
    real = loader.check_playbook
    monkeypatch.setattr(loader, "check_playbook", lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


def _entry(folder: Path) -> Path:
    (entry,) = folder.glob("*.msgpack")
    return entry


def test_second_load_comes_from_cache_and_edits_invalidate(mini_dir, cache_folder, builds):
    first = load_playbook(mini_dir)
    assert builds == [1]
    again = load_playbook(mini_dir)
    assert again == first and builds == [1]
    path = mini_dir / "content.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("priority: 90", "priority: 80"), encoding="utf-8")
    edited = load_playbook(mini_dir)
    assert builds == [1, 1] and edited.rules[0].priority == 80


def test_cached_playbook_equals_the_built_one(mini_dir, cache_folder):
    from cxcoach.resources import default_playbook_path

    for path in (mini_dir, default_playbook_path()):  # the shipped one has every kind of section
        built = load_playbook(path, cache=False)
        load_playbook(path)
        assert load_playbook(path) == built


def test_invalid_playbook_is_never_cached(mini_dir, cache_folder):
    path = mini_dir / "content.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("steps: [listen]", "steps: [nope]"), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(PlaybookError):
            load_playbook(mini_dir)
    assert not cache_folder.exists() or not list(cache_folder.iterdir())


def test_an_entry_is_plain_msgpack_data(mini_dir, cache_folder):
    load_playbook(mini_dir)
    fmt, fingerprint, (checksum, core), sections = msgspec.msgpack.decode(_entry(cache_folder).read_bytes())
    assert isinstance(fmt, int) and isinstance(checksum, int) and all(isinstance(p, bytes) for p in fingerprint)
    assert msgspec.msgpack.decode(core)["id"] == "mini"  # no types given: maps, arrays, strings
    assert msgspec.msgpack.decode(sections["steps"][1])["listen"]["procedure"] == "intake"


def test_sections_are_decoded_when_first_used(mini_dir, cache_folder):
    built = load_playbook(mini_dir)
    cached = load_playbook(mini_dir)
    assert type(cached.steps) is not dict and cached.steps._items is None  # still msgpack
    assert cached.steps["listen"] == built.steps["listen"] and cached.steps._items is not None
    assert list(cached.steps) == list(built.steps) and len(cached.drills) == len(built.drills)
    assert "listen" in cached.steps and "nope" not in cached.steps
    with pytest.raises(KeyError):
        cached.steps["nope"]


def test_a_planted_pickle_does_not_run(mini_dir, cache_folder, tmp_path, builds):
    load_playbook(mini_dir)
    entry = _entry(cache_folder)
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (Path.touch, (marker,))

    planted = pickle.dumps(Payload())
    entry.write_bytes(planted)
    entry.with_suffix(".pickle").write_bytes(planted)  # where earlier versions kept their entries
    result = CliRunner().invoke(main, ["recommend", "--playbook", str(mini_dir), "-"], input=CASE)
    assert result.exit_code == 0, result.output
    assert not marker.exists()
    assert builds == [1, 1]  # rebuilt from the YAML


def test_single_bit_flips_are_detected_and_rebuilt(mini_dir, cache_folder, builds):
    built = load_playbook(mini_dir)
    entry = _entry(cache_folder)
    good = entry.read_bytes()
    rng = random.Random(20261206)
    head = min(len(good), 256) * 8  # the format, fingerprint and checksum: half the flips land there
    bits = rng.sample(range(head), 40) + rng.sample(range(len(good) * 8), 40)
    for bit in bits:
        flipped = bytearray(good)
        flipped[bit // 8] ^= 1 << (bit % 8)
        entry.write_bytes(bytes(flipped))
        builds.clear()
        assert load_playbook(mini_dir) == built, f"bit {bit}"
        assert builds == [1], f"bit {bit} went unnoticed"
        assert entry.read_bytes() == good  # the rebuilt entry replaced the corrupt one


def test_flipped_entry_never_makes_a_command_fail(mini_dir, cache_folder):
    load_playbook(mini_dir)
    entry = _entry(cache_folder)
    good = entry.read_bytes()
    rng = random.Random(7)
    for bit in rng.sample(range(len(good) * 8), 8):
        flipped = bytearray(good)
        flipped[bit // 8] ^= 1 << (bit % 8)
        entry.write_bytes(bytes(flipped))
        result = CliRunner().invoke(main, ["recommend", "--playbook", str(mini_dir), "-"], input=CASE)
        assert result.exit_code == 0, (bit, result.output)


@pytest.mark.parametrize("keep", [0, 1, 10, 0.5, -1])
def test_truncated_entry_is_rebuilt(mini_dir, cache_folder, builds, keep):
    built = load_playbook(mini_dir)
    entry = _entry(cache_folder)
    good = entry.read_bytes()
    size = int(len(good) * keep) if isinstance(keep, float) else keep if keep >= 0 else len(good) - 1
    entry.write_bytes(good[:size])
    assert load_playbook(mini_dir) == built and builds == [1, 1]
    assert entry.read_bytes() == good


def test_another_playbooks_entry_is_a_miss(mini_dir, tmp_path, cache_folder, builds):
    import shutil

    other = tmp_path / "other"
    shutil.copytree(mini_dir, other)
    path = other / "content.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("priority: 90", "priority: 70"), encoding="utf-8")
    load_playbook(other)
    (foreign,) = cache_folder.glob("*.msgpack")
    key = cache.cache_key(playbook_sources(loader.playbook_files(mini_dir, loader.ProblemList())), mini_dir)
    mine = cache_folder / f"{key.name}.msgpack"
    mine.write_bytes(foreign.read_bytes())
    assert load_playbook(mini_dir).rules[0].priority == 90 and builds == [1, 1]


def test_an_edit_replaces_the_folders_entry_instead_of_adding_one(mini_dir, cache_folder):
    load_playbook(mini_dir)
    path = mini_dir / "content.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("priority: 90", "priority: 80"), encoding="utf-8")
    assert load_playbook(mini_dir).rules[0].priority == 80
    assert len(list(cache_folder.iterdir())) == 1  # and no temporary file left behind
    assert load_playbook(mini_dir).rules[0].priority == 80  # and the new entry is the one used


def test_an_unwritable_cache_is_skipped(mini_dir, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CXCOACH_CACHE", str(blocker / "c"))
    assert load_playbook(mini_dir).id == "mini"


def test_the_key_covers_every_module_the_loader_imports():
    covered = {path.resolve() for path in cache.model_sources()}
    edges = graph()
    from ..import_graph import module_files

    files = module_files()
    used = closure("cxcoach.playbook.loader", edges)
    assert "cxcoach.playbook.drill_regex" in used  # reached through a function-level import
    assert {name for name in used if files[name].resolve() not in covered} == set()


def test_the_suite_keeps_the_cache_in_a_temporary_folder(tmp_path_factory):
    folder = cache.cache_dir()
    assert folder is not None and folder.is_relative_to(tmp_path_factory.getbasetemp())


def test_a_section_found_corrupt_when_first_used_comes_from_a_rebuild(mini_dir, cache_folder, builds):
    built = load_playbook(mini_dir)
    entry = _entry(cache_folder)
    good = entry.read_bytes()
    _, _, _, sections = msgspec.msgpack.decode(good)
    scripts = sections["scripts"][1]
    at = good.index(scripts) + len(scripts) // 2  # inside the scripts section: the core stays intact
    entry.write_bytes(good[:at] + bytes([good[at] ^ 0x20]) + good[at + 1:])
    cached = load_playbook(mini_dir)
    assert builds == [1]  # the core was good: nothing rebuilt yet
    assert cached.scripts == built.scripts and builds == [1, 1]
    assert cached.steps == built.steps and builds == [1, 1]  # one rebuild serves every section
    assert entry.read_bytes() == good
