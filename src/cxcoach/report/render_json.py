"""The report as JSON for BI tools: the `MonthlyReport` fields as they are, with `schema_version`.

The shape is `schemas/monthly-report.schema.json` (generated from `model.py` by `json_schema()`;
a test keeps the file and the classes in step). Instants are RFC 3339 with the playbook's offset.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec

from .model import MonthlyReport

SCHEMA_ID = "https://cxcoach.dev/schemas/monthly-report.schema.json"


def render_json(report: MonthlyReport) -> str:
    return msgspec.json.format(msgspec.json.encode(report), indent=2).decode() + "\n"


def json_schema() -> dict[str, Any]:
    """The JSON Schema of `render_json`'s output."""
    schema = msgspec.json.schema(MonthlyReport)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            "title": "cxcoach monthly complaint analysis report", **schema}


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
