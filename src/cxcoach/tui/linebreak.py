"""Where a line of mixed Chinese and Latin text may break, by terminal cell width.

Terminals wrap Chinese character by character, which puts 「，」「。」 at the
start of a line, against Chinese typesetting (the kinsoku rule). Here a break
may fall after a space, or beside a wide (CJK) character, but never before
closing punctuation nor after an opening bracket; a run longer than the line
is folded, again keeping punctuation with the character before it.
"""

from __future__ import annotations

from rich.cells import cell_len, get_character_cell_size

# May not start a line: closing punctuation, in both widths.
NO_START = frozenset("，。、．！？；：）」』】〕》〉〗〙〛’”…—～·％‰,.!?;:)]}%'\"")
# May not end a line: opening brackets and quotes.
NO_END = frozenset("（「『【〔《〈〖〘〚‘“([{")


def _wide(ch: str) -> bool:
    return get_character_cell_size(ch) == 2


def _ends_open(text: str, start: int, cut: int) -> bool:
    """Would the line text[start:cut] end, once its trailing spaces go, on an opening bracket or quote?"""
    kept = text[start:cut].rstrip()
    return bool(kept) and kept[-1] in NO_END


def _may_break_before(text: str, i: int) -> bool:
    prev, ch = text[i - 1], text[i]
    if ch in NO_START or prev in NO_END or ch.isspace():
        return False
    if prev.isspace():
        return not _ends_open(text, 0, i)  # 「“ 下」: the space would leave the quote at the line's end
    return _wide(prev) or _wide(ch)


def break_offsets(text: str, width: int) -> list[int]:
    """Offsets at which to cut one line of `text` (no newlines) so that every piece fits `width` cells.

    Spaces at a cut stay at the end of the piece before it (callers strip them).
    """
    if width <= 0:
        return []
    cuts: list[int] = []
    start = 0
    used = 0  # cells since `start`, not counting the spaces a cut would drop
    last_ok = -1  # latest offset > start where a break is allowed
    for i, ch in enumerate(text):
        if i > start and _may_break_before(text, i):
            last_ok = i
        size = get_character_cell_size(ch)
        if ch.isspace():
            used += size
            continue
        while used + size > width and i > start:  # again if the allowed break left too much: 「（下 、」
            cut = last_ok if last_ok > start else _fold_at(text, start, i)
            cuts.append(cut)
            start = cut
            used = cell_len(text[start:i])
            last_ok = -1
        used += size
    return cuts


def _fold_at(text: str, start: int, i: int) -> int:
    """No allowed break on the line: cut at `i`, moved back over punctuation that may not start a line
    and past an opening bracket that would end one (a run of such punctuation wider than the line is cut
    anyway: the width wins)."""
    cut = i
    while cut - 1 > start and (text[cut] in NO_START or _ends_open(text, start, cut)):
        cut -= 1
    if not (text[cut] in NO_START or _ends_open(text, start, cut)):
        return cut
    # No cut keeps both rules (「（ 下、」 on a line of 6): keep punctuation off the next line's start at least.
    return next((c for c in range(i, start, -1) if text[c] not in NO_START), i)


def break_lines(text: str, width: int) -> list[str]:
    """`text` as lines no wider than `width` (where the text allows), keeping its own newlines."""
    out: list[str] = []
    for line in text.split("\n"):
        pieces = []
        start = 0
        for cut in break_offsets(line, width):
            pieces.append(line[start:cut].rstrip())
            start = cut
        pieces.append(line[start:])
        out.extend(pieces)
    return out
