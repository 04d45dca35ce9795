"""The handbook renders both languages, escapes playbook content, and stays self-contained."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from cxcoach.authoring.export import export_handbook
from cxcoach.cli import main
from cxcoach.playbook import load_playbook


@pytest.fixture
def playbook(make_playbook):
    return load_playbook(make_playbook(), cache=False)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_both_languages(playbook, fmt):
    zh = export_handbook(playbook, locale="zh", fmt=fmt)
    en = export_handbook(playbook, locale="en", fmt=fmt)
    assert "处理流程" in zh and "您慢慢说，我在听。" in zh and "30 分钟" in zh
    line = "Take your time, I&#x27;m listening." if fmt == "html" else "Take your time, I'm listening."
    assert "Procedures" in en and line in en
    assert "30 min" in en and "Drill" in en
    assert "Listening" not in zh  # no English leaks into the Chinese handbook


def test_html_is_self_contained_with_print_css(playbook):
    page = export_handbook(playbook, locale="en", fmt="html")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    assert "@media print" in page and "@page" in page
    assert not re.search(r"<(script|link|img)\b", page)
    assert "http://" not in page and "https://" not in page


def test_html_escapes_playbook_content(make_playbook):
    evil = make_playbook("""\
    strategies:
      - id: s
        title: {zh: "<script>alert(1)</script>", en: "<b>bold</b> & \\"quoted\\""}
        advice:
          - {id: s.1, text: {zh: "<img src=x onerror=alert(1)>", en: "a < b"}}
    """)
    page = export_handbook(load_playbook(evil, cache=False), locale="zh", fmt="html")
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    page_en = export_handbook(load_playbook(evil, cache=False), locale="en", fmt="html")
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;" in page_en


def test_markdown_table_cells_escape_pipes(make_playbook):
    root = make_playbook("""\
    procedures:
      - id: p2
        title: {zh: 流程, en: Flow}
        steps:
          - {id: s1, title: {zh: "a | b", en: "a | b"}}
    """)
    md = export_handbook(load_playbook(root, cache=False), locale="en", fmt="md")
    assert "| 1 | a \\| b |" in md


def test_unknown_locale_is_an_error(playbook):
    with pytest.raises(ValueError, match="not a locale"):
        export_handbook(playbook, locale="fr")


def test_cli_writes_file_and_infers_html(make_playbook, tmp_path):
    out = tmp_path / "hb.html"
    result = CliRunner().invoke(main, ["export", "handbook", "-p", str(make_playbook()), "--lang", "zh",
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_cli_bad_language_fails_cleanly(make_playbook):
    result = CliRunner().invoke(main, ["export", "handbook", "-p", str(make_playbook()), "--lang", "fr"])
    assert result.exit_code == 1 and "error: --lang 'fr'" in result.output
    assert "Traceback" not in result.output


def test_rules_at_a_glance_in_trainers_words(playbook):
    zh = export_handbook(playbook, locale="zh", fmt="md")
    assert "## 处理规则一览" in zh
    assert "| 严重程度 为 重大 | 上报 | 首次响应：30 分钟 |" in zh
    en = export_handbook(playbook, locale="en", fmt="md")
    assert "| Anger ≥ 5 | Listen |" in en


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_chinese_handbook_punctuates_full_width(make_playbook, fmt):
    """The handbook's own labels follow the rule lint L506 holds the playbook's Chinese text to."""
    from cxcoach.authoring.lint_rules.text import half_width_spans

    root = make_playbook("""\
    strategies:
      - id: s
        title: {zh: 急躁型, en: Hot-tempered}
        applies_to: {zh: 说话快。, en: Talks fast.}
        advice:
          - {id: s.1, text: {zh: 先听完。, en: Hear them out.}}
    rules:
      - id: not_major
        when: {not: {any: [{fact: severity, op: in, value: [major, general]}, {fact: anger, op: gt, value: 8}]}}
        then: {steps: [listen], strategies: [s]}
    """)
    zh = export_handbook(load_playbook(root, cache=False), locale="zh", fmt=fmt)
    assert "首次响应：30 分钟" in zh and "适用：说话快。" in zh
    assert "非（严重程度 为以下之一：重大、一般 或 愤怒 " in zh and "8）" in zh
    body = zh.split("<body>")[-1]
    assert [line for line in body.splitlines() if half_width_spans(line)] == []
    en = export_handbook(load_playbook(root, cache=False), locale="en", fmt=fmt)
    assert "First response: 30 min" in en and "not (Severity is one of: Major, General or Anger" in en


def test_markdown_handbook_shows_playbook_text_as_typed(make_playbook):
    """Markup, links, HTML and line breaks in playbook text never become Markdown structure."""
    root = make_playbook("""\
    strategies:
      - id: s
        title: {zh: "[点我](javascript:alert(1))", en: "**bold** <b>x</b> & `code`"}
        applies_to: {zh: "1. 第一", en: "- not a list"}
        advice:
          - id: s.1
            text:
              zh: "第一行\\n## 伪造的章节"
              en: "line one\\n\\n# forged chapter\\n> quoted | cell"
    """)
    from markdown_it import MarkdownIt

    for locale in ("zh", "en"):
        md = export_handbook(load_playbook(root, cache=False), locale=locale, fmt="md")
        tokens = MarkdownIt("commonmark").parse(md)
        headings = [tokens[i + 1].content for i, tok in enumerate(tokens) if tok.type == "heading_open"]
        assert "伪造的章节" not in " ".join(headings) and "forged chapter" not in " ".join(headings)
        inline = [child for tok in tokens for child in tok.children or ()]
        links = [str(c.attrs["href"]) for c in inline if c.type == "link_open"]
        assert [href for href in links if not href.startswith("#")] == []
        assert [c.type for c in inline if c.type in ("strong_open", "code_inline", "html_inline")] == ["strong_open"]
        assert not any(tok.type in ("html_block", "blockquote_open") for tok in tokens)
        assert sum(tok.type == "ordered_list_open" for tok in tokens) == 1  # the contents, not "1. 第一"
    en = export_handbook(load_playbook(root, cache=False), locale="en", fmt="md")
    assert "- line one # forged chapter \\> quoted \\| cell" in en


def test_sources_are_those_the_chapters_cite(tmp_path):
    """A new playbook includes the shipped detectors, which bring the shipped handbooks' source list: its own
    handbook lists what its chapters cite, not documents none of its pages draw on."""
    from cxcoach.authoring.scaffold import new_playbook

    root = new_playbook("acme", tmp_path, locales=("zh", "en")).playbook
    md = export_handbook(load_playbook(root, cache=False), locale="en", fmt="md")
    assert "## Sources" not in md and "\\[000\\]" not in md
    (root / "cited.yaml").write_text('sources:\n  - {id: "900", title: Our handbook}\n', encoding="utf-8")
    content = (root / "content.yaml").read_text(encoding="utf-8")
    old = '    title: {zh: "受理投诉"'
    (root / "content.yaml").write_text(content.replace(old, '    source: "900 p.3"\n' + old, 1), encoding="utf-8")
    md = export_handbook(load_playbook(root, cache=False), locale="en", fmt="md")
    assert md.split("## Sources", 1)[1].strip() == "- \\[900\\] Our handbook"
    shipped = export_handbook(load_playbook(), locale="en", fmt="md")
    assert shipped.split("## Sources", 1)[1].count("\n- ") == 5  # the shipped playbook cites all five
