"""Reading what users hand to cxcoach: files and stdin with a bound, replies with a maximum length.

A case file, a replies file or stdin can be `/dev/zero`, a named pipe nobody
writes to, or gigabytes. So a path is opened only when it is a regular file
(checked on the open descriptor, opened without blocking, so a FIFO can never
hang a command), and everything is read in chunks up to a limit and refused
one byte past it, before anything is parsed. The limit is
`CXCOACH_MAX_INPUT_BYTES` (default 1 MiB); error messages name it.

A reply (`cxcoach score`, a drill turn) holds at most `MAX_REPLY_CHARS`
characters, checked before normalisation: NFKC can make a character 18
characters long, and matching time grows with the text.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path
from typing import BinaryIO

from .errors import CxcoachError, ExitCode
from .sanitize import one_line

MAX_INPUT_ENV = "CXCOACH_MAX_INPUT_BYTES"
DEFAULT_MAX_INPUT = 1024 * 1024
MAX_REPLY_CHARS = 2000
MAX_INT = 2**63 - 1  # the largest integer a playbook or case may hold (YAML E006); more is an id or a typo
STDIN = "-"
_CHUNK = 64 * 1024
# The English words above have Chinese ones here, for InputError.message: the kinds callers name,
# what a path turned out to be (describe_mode), and the causes an OS gives most often.
_ZH_KINDS = {"file": "文件", "case file": "案例文件", "replies file": "回复文件", "archive": "归档文件",
             "the mapping": "字段映射文件", "the export": "导出文件", "stdin": "标准输入"}
_ZH_MODES = {"a folder": "文件夹", "a named pipe": "命名管道", "a device": "设备文件", "a block device": "块设备",
             "a socket": "套接字"}
_ZH_ERRNO = {errno.ENOENT: "没有这个文件", errno.EACCES: "没有读取权限", errno.EPERM: "没有读取权限",
             errno.EISDIR: "这是文件夹，不是文件", errno.ENOTDIR: "路径中有一段不是文件夹",
             errno.ELOOP: "符号链接绕成了环", errno.ENAMETOOLONG: "文件名太长", errno.EIO: "读取时出现 I/O 错误"}
_ZH_HOW = {"env": f"如确需读取，请把 {MAX_INPUT_ENV} 设为更大的字节数", "split": "请拆成几个文件"}
_HOW = {"split": "split it"}


class InputError(CxcoachError):
    """An input that cannot be read: missing, unreadable, not a regular file, or over the size limit.

    `str()` and `reason` are English (playbook problems quote the reason); `explain(locale)` words it
    for a person from what it keeps apart: the kind of input (`case file`), its name, and the cause
    (`errno`, `not_regular`, `too_large`, `closed`) with its values.
    """

    exit_code = ExitCode.INPUT

    def __init__(self, what: str, reason: str, *, kind: str = "", name: str = "", cause: str = "",
                 **values: object) -> None:
        super().__init__(f"cannot read {what}: {reason}")
        self.reason = reason
        self.kind, self.name, self.cause, self.values = kind, name, cause, values

    def explain(self, locale: str = "en") -> str:
        if locale.split("-")[0].split("_")[0] != "zh" or not self.cause:
            return str(self)
        what = f"{_ZH_KINDS.get(self.kind, self.kind)} {self.name}".rstrip()  # 案例文件 x.yaml; " x.yaml"
        if self.cause == "errno":
            number = self.values.get("errno")
            code = number if isinstance(number, int) else 0
            why = _ZH_ERRNO.get(code) or f"系统错误（{errno.errorcode.get(code, code)}）"
        elif self.cause == "not_regular":
            why = f"这是{_ZH_MODES.get(str(self.values['mode']), '特殊文件')}，不是普通文件"
        elif self.cause == "too_large":
            how = _ZH_HOW.get(str(self.values.get("how") or "env"), _ZH_HOW["env"])
            why = f"超过 {self.values['limit']:,} 字节的大小上限；{how}"
        else:
            why = "已关闭"
        return f"无法读取{what}：{why}"


class InputTooLarge(InputError):
    """An input one byte over its size limit; nothing past that byte was read."""


class BadSetting(CxcoachError):
    """An environment variable with a value cxcoach cannot use."""

    exit_code = ExitCode.USAGE


class InvalidText(CxcoachError, ValueError):
    """Input bytes that are not UTF-8 text; the message is positioned like any other problem."""


class ReplyTooLong(CxcoachError, ValueError):
    """A reply longer than MAX_REPLY_CHARS."""


def max_input_bytes() -> int:
    """The size limit for case files, replies files and stdin: $CXCOACH_MAX_INPUT_BYTES or 1 MiB."""
    raw = os.environ.get(MAX_INPUT_ENV)
    if raw is None or not raw.strip():
        return DEFAULT_MAX_INPUT
    try:
        value = int(raw.strip().replace("_", ""))
    except ValueError:
        value = 0
    if value <= 0:
        raise BadSetting(f"{MAX_INPUT_ENV}={raw[:40]!r} is not a positive number of bytes (e.g. {DEFAULT_MAX_INPUT})")
    return value


def describe_mode(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def open_regular(path: Path, what: str = "file") -> BinaryIO:
    """Open a regular file for reading; anything else (pipe, device, folder, link loop) raises InputError.

    The descriptor is opened non-blocking, so opening a FIFO returns at once,
    and the check is made on the descriptor itself: no window between a check
    and the open. Regular files ignore the flag.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(f"{what} {one_line(str(path))}", exc.strerror or str(exc), kind=what, name=one_line(str(path)),
                         cause="errno", errno=exc.errno) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(f"{what} {one_line(str(path))}", f"it is {describe_mode(mode)}, not a regular file",
                             kind=what, name=one_line(str(path)), cause="not_regular", mode=describe_mode(mode))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_limited(stream: BinaryIO, limit: int, name: str, how: str | None = None) -> bytes:
    """At most `limit` bytes of `stream`; one byte more raises InputTooLarge without reading on.

    `how` says how to get past the limit: "split" (the input can be split), else the environment variable.
    """
    chunks: list[bytes] = []
    size = 0
    while True:
        try:
            chunk = stream.read(min(_CHUNK, limit + 1 - size))
        except OSError as exc:  # an I/O error midway, or a /proc file that cannot be read
            raise InputError(name, exc.strerror or str(exc), name=name, cause="errno", errno=exc.errno) from None
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise InputTooLarge(name, f"it is over the size limit of {limit:,} bytes; " + (
                _HOW.get(how, how) if how else f"set {MAX_INPUT_ENV} to a larger number of bytes to read it"),
                name=name, cause="too_large", limit=limit, how=how)


def read_input(source: str | Path, what: str = "file", *, limit: int | None = None,
               how: str | None = None) -> tuple[bytes, str]:
    """The bytes of a file or of stdin (`-`), bounded (default: max_input_bytes()), and the name to show."""
    limit = max_input_bytes() if limit is None else limit
    if str(source) == STDIN:
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            raise InputError("stdin", "it is closed", kind="stdin", cause="closed")
        return read_limited(stream, limit, "<stdin>", how), "<stdin>"
    path = Path(source)
    with open_regular(path, what) as handle:
        return read_limited(handle, limit, one_line(str(path)), how), one_line(str(path))


def utf8_position(raw: bytes, index: int) -> tuple[int, int]:
    """1-based line and column (in characters) of byte `index`, for encoding errors."""
    line_start = raw.rfind(b"\n", 0, index) + 1
    return raw.count(b"\n", 0, index) + 1, len(raw[line_start:index].decode("utf-8", "replace")) + 1


def decode_text(raw: bytes, name: str) -> str:
    """UTF-8 text (a leading byte-order mark dropped), or InvalidText naming the first bad byte's position."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = utf8_position(raw, exc.start)
        raise InvalidText(f"{name}:{line}:{col}: invalid UTF-8 byte 0x{raw[exc.start]:02x}; save or send it as UTF-8"
                          ) from None


def check_reply(text: str) -> None:
    """Refuse a reply over MAX_REPLY_CHARS, before anything normalises or matches it."""
    if len(text) > MAX_REPLY_CHARS:
        raise ReplyTooLong(f"the reply is {len(text):,} characters long; a reply holds at most "
                           f"{MAX_REPLY_CHARS:,} characters (split it into several turns)")
