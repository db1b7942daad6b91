"""Plain-text reader: bytes in any encoding newsgraph knows, decoded into one Article."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from charset_normalizer import from_bytes

from ..article import Article
from ..errors import Errors, InputError
from ..settings import Settings

# Checked in this order: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Files people pass by mistake: naming the kind says more than "not text".
_MAGIC = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive, .docx or .epub"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x7fELF", "an executable"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
)

_NOT_HIGH = bytes(range(0x80))
_NOT_C0_DF = bytes(b for b in range(256) if not 0xC0 <= b <= 0xDF)
_NOT_E0_FF = bytes(b for b in range(256) if b < 0xE0)
_NOT_ASCII_LETTER = bytes(b for b in range(256) if not (0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A))

# Codecs a page may name that are not what its bytes are in: no browser decodes with them.
_NOT_DECLARABLE = frozenset(
    {"idna", "punycode", "unicode-escape", "raw-unicode-escape", "utf-7", "undefined"}
)

# Control characters that never occur in text (tab, newlines and form feed do).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_BINARY = "binary data: too many control characters"
# What str.splitlines breaks lines at.
_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def one_line(reason: object, limit: int = 200) -> str:
    """A reason squeezed onto one short line, for error messages."""
    text = " ".join(str(reason).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def failure(template: Errors, *, input: str, **fields: object) -> Article:
    """The failed Article of input `input`, its error the catalogue's one-line message."""
    return failed(input, template.format(input=input, **fields))


def failed(source: str, error: object) -> Article:
    """The failed Article of `source`, its error (an InputError or a message) kept on one line."""
    return Article.failed(source, on_one_line(str(error)))


def on_one_line(message: str) -> str:
    """`message` with each line break written as its escape (`\\n`): a file name or URL given with a
    newline in it must not split the one line a failure is reported on."""
    return _LINE_BREAK.sub(lambda match: repr(match[0])[1:-1], message)


def read_limited(path: Path, source: str, max_bytes: int) -> bytes:
    """The bytes of `path`, refused when larger than `max_bytes` (checked before reading, and while
    reading: a file that grows, or one that claims no size as /proc files do, is cut off too)."""
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(Errors.E008, input=source, size=size, limit=max_bytes)
    with path.open("rb") as stream:
        data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(Errors.E008, input=source, size=f"more than {max_bytes}", limit=max_bytes)
    return data


def decode(data: bytes, source: str, declared: str | None = None, *, exact: bool = False) -> str:
    """Decode `data`: byte-order mark, then strict UTF-8, then `declared`, then a guess.

    The guess covers UTF-16 without its mark and single-byte encodings: Cyrillic ones (cp1251,
    koi8-r) by their letter statistics, others through charset-normalizer. Raise InputError
    (E002, E003, E005) for empty, binary or undecodable input. With `exact` (--as-is), valid
    UTF-8 is taken as it is, byte-order mark and control characters included.
    """
    if not data:
        raise InputError(Errors.E002, input=source)
    if exact:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(
                    Errors.E003,
                    input=source,
                    reason=f"it starts like {encoding} but byte {exc.start} is invalid",
                ) from exc
            if not _readable(text):
                raise InputError(Errors.E003, input=source, reason=_BINARY)
            return text
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise InputError(Errors.E005, input=source, reason=f"it looks like {kind}")
    utf8_error: UnicodeDecodeError | None = None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    else:
        if _readable(text):
            return text
    # Valid UTF-8 full of control characters is UTF-16 without its mark, or binary.
    candidates = (
        (_bomless_utf16(data),)
        if utf8_error is None
        else (
            _bomless_utf16(data),
            _known(declared),
            _guess_single_byte(data),
        )
    )
    for candidate in candidates:
        if candidate is None:
            continue
        try:
            text = data.decode(candidate)
        except (UnicodeError, LookupError):  # UnicodeError: the "undefined" codec refuses everything
            continue
        if _readable(text) and _plausible(text):
            return text
    if utf8_error is None or b"\x00" in data:
        raise InputError(Errors.E003, input=source, reason=_BINARY)
    raise InputError(
        Errors.E003,
        input=source,
        reason=f"invalid UTF-8 at byte {utf8_error.start} and no other encoding gives readable text",
    )


def read_text(data: bytes, *, source: str, settings: Settings) -> Article:
    """One Article from the bytes of a plain-text document."""
    text = decode(data, source, exact=settings.as_is)
    # Blank text is no article, but --as-is promises any text back unchanged.
    if not text.strip() and not (settings.as_is and text):
        raise InputError(Errors.E002, input=source)
    return Article.from_raw(text, source=source, published=settings.published, as_is=settings.as_is)


def _readable(text: str) -> bool:
    # Real text has almost no control characters; a binary file forced into text is full of them.
    sample = text[:100_000]
    return len(_CONTROL.findall(sample)) <= 0.01 * len(sample)


def _known(encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        info = codecs.lookup(encoding)
    except (LookupError, ValueError):  # ValueError: a NUL in the name a server sent
        return None
    name = info.name
    # A page may declare any codec Python knows: base64, zlib and rot13 are no text encodings
    # (decoding with them raises LookupError), and the escape codecs turn any bytes into text.
    if not getattr(info, "_is_text_encoding", True) or name in _NOT_DECLARABLE:
        return None
    # Pages that declare latin-1 or ascii are cp1252 in practice (the WHATWG rule).
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def _bomless_utf16(data: bytes) -> str | None:
    """utf-16-le or -be for UTF-16 without its mark, else None.

    Text in one script keeps the high byte of each code unit to one or two values (0x00 and
    0x04 for Russian with spaces), while the low bytes vary: that tells the byte order.
    """
    if len(data) < 8 or len(data) % 2:
        return None
    sample = data[:65_536]
    even, odd = _top_two_share(sample[0::2]), _top_two_share(sample[1::2])
    if odd >= 0.9 and even < 0.6:
        return "utf-16-le"
    if even >= 0.9 and odd < 0.6:
        return "utf-16-be"
    return None


def _top_two_share(data: bytes) -> float:
    counts = sorted((data.count(b) for b in set(data)), reverse=True)
    return sum(counts[:2]) / len(data)


def _guess_single_byte(data: bytes) -> str:
    high = len(data.translate(None, _NOT_HIGH))
    letters = len(data.translate(None, _NOT_ASCII_LETTER))
    if high and high >= 0.3 * (high + letters):
        # Mostly non-ASCII letters: Cyrillic. Lower case dominates running text, and it sits in
        # 0xE0-0xFF in cp1251 but in 0xC0-0xDF in koi8-r; charset-normalizer is unreliable on
        # short Cyrillic texts (it reads "Это тест." as shift_jis).
        lower_koi8 = len(data.translate(None, _NOT_C0_DF))
        lower_cp1251 = len(data.translate(None, _NOT_E0_FF))
        return "koi8-r" if lower_koi8 > lower_cp1251 else "cp1251"
    best = from_bytes(data).best()
    return best.encoding if best is not None else "cp1252"


def _plausible(text: str) -> bool:
    """Whether a single-byte decoding reads as prose rather than bytes forced into letters."""
    if len(text) < 40:
        return True
    # Plain spaces and line breaks only: bytes forced into cp1251 make no-break spaces (0xA0).
    sample = text[:100_000]
    spaces = sample.count(" ") + sample.count("\n") + sample.count("\t")
    return spaces >= 0.03 * len(sample)
