"""The wheel carries the playbooks and schemas, so an install outside the checkout works."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_every_shipped_yaml_file_names_its_schema():
    files = sorted((ROOT / "playbooks").rglob("*.yaml"))
    assert files
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("$schema=", 1)[1]).resolve()
        assert target.is_file(), f"{path}: schema {target} does not exist"


def test_schemas_are_valid_draft_2020_12():
    import json

    from jsonschema import Draft202012Validator

    for path in sorted((ROOT / "schemas").glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        assert schema.get("title") and schema.get("$schema", "").endswith("2020-12/schema"), path


@pytest.mark.slow
def test_wheel_works_outside_the_checkout(tmp_path):
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT), "-w", str(tmp_path)],
                           capture_output=True, text=True, timeout=300)
    if built.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {built.stderr[-300:]}")
    (wheel,) = tmp_path.glob("cxcoach-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "cxcoach/_data/playbooks/default/playbook.yaml" in names
    assert "cxcoach/_data/schemas/playbook.schema.json" in names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site), "CXCOACH_NO_CACHE": "1"}
    run = subprocess.run([sys.executable, "-m", "cxcoach", "validate"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert str(site) in subprocess.run(
        [sys.executable, "-c", "from cxcoach.resources import data_root; print(data_root())"],
        cwd=tmp_path, env=env, capture_output=True, text=True).stdout
