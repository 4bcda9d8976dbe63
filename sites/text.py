"""Vietnamese text helpers: the one slug function every part of the product uses."""

import errno
import re
import unicodedata

# "đ" has no Unicode decomposition, so NFKD alone would drop it ("Động Đạt" -> "ong at").
_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(value: str) -> str:
    """Remove Vietnamese diacritics, including đ and two-mark vowels: "Động Đạt" -> "Dong Dat"."""
    value = unicodedata.normalize("NFKD", str(value).translate(_D_MAP))
    return "".join(ch for ch in value if not unicodedata.combining(ch))


def search_words(value: str) -> list[str]:
    """Lower-case words without diacritics, so "dang ky" finds "Đăng ký"."""
    # NUL separates words too: PostgreSQL refuses it in any text a query compares ("?q=%00" gave a 500).
    return fold(value or "").lower().replace("\x00", " ").split()


def vn_slugify(value: str) -> str:
    """ASCII slug of a Vietnamese name: "Xã Động Đạt" -> "xa-dong-dat"."""
    return _NON_ALNUM.sub("-", fold(value).lower()).strip("-")


# The same rule as pattern steps, for the admin's slug field: Wagtail runs them in the browser
# before its own clean-up (whose transliteration writes đ as "dj"), so the slug an officer sees
# is the slug the server stores.
SLUG_STEPS = [
    (re.compile("[àáạảãâầấậẩẫăằắặẳẵ]", re.IGNORECASE), "a"),
    (re.compile("[èéẹẻẽêềếệểễ]", re.IGNORECASE), "e"),
    (re.compile("[ìíịỉĩ]", re.IGNORECASE), "i"),
    (re.compile("[òóọỏõôồốộổỗơờớợởỡ]", re.IGNORECASE), "o"),
    (re.compile("[ùúụủũưừứựửữ]", re.IGNORECASE), "u"),
    (re.compile("[ỳýỵỷỹ]", re.IGNORECASE), "y"),
    (re.compile("đ", re.IGNORECASE), "d"),
    (re.compile("[\u0300-\u036f]"), ""),  # marks typed as separate characters
    # No IGNORECASE here: case-insensitive [a-z] also matches "ſ", "K" (Kelvin) and "İ", which are not ASCII.
    (re.compile("[^A-Za-z0-9]+"), "-"),
    (re.compile("^-+|-+$"), ""),
]


def slugify_by_steps(value: str) -> str:
    """What the admin's slug field does with SLUG_STEPS; equals vn_slugify for Vietnamese text."""
    for pattern, replacement in SLUG_STEPS:
        value = pattern.sub(replacement, value)
    return value.lower()


def hostname_label(value: str) -> str:
    """DNS label for a commune or province name, as Decree 224 asks: "Động Đạt" -> "dongdat"."""
    return vn_slugify(value).replace("-", "")


_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)\Z")  # \Z, not $: "$" also matches before a final "\n"


def is_valid_hostname(value: str) -> bool:
    """A lower-case ASCII hostname of dot-separated labels, at least two of them."""
    if not value or len(value) > 253:
        return False
    labels = value.split(".")
    return len(labels) >= 2 and all(_LABEL.match(label) for label in labels)


# Vietnamese alphabetical order: a ă â b c d đ e ê … with tones after the base letter.
# Plain codepoint order puts "Đất đai" after "Y tế"; residents expect it after "Dân số".

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}
# Marks that make a letter (ă, â, ê, ô, ơ, ư) versus tone marks, in the dictionary's tone order.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def vn_sort_key(value: str) -> tuple:
    """Sort key: letters first (by the Vietnamese alphabet), then tones, then the text itself."""
    letters, tones = [], []
    for ch in (value or "").lower():
        decomposed = unicodedata.normalize("NFD", ch)
        base = "".join(c for c in decomposed if not unicodedata.combining(c) or c in _LETTER_MARKS)
        base = unicodedata.normalize("NFC", base)
        tone = next((_TONES[c] for c in decomposed if c in _TONES), 0)
        letters.append((_RANK.get(base, 100), base) if base in _RANK else (-1, base))
        tones.append(tone)
    return (tuple(letters), tuple(tones), value)


def vn_collation_key(value: str) -> str:
    """vn_sort_key as a string of digits, to store in a column and ORDER BY on any database.

    Digits only, because PostgreSQL's locale collations skip punctuation and SQLite compares
    bytes; both order digit strings the same way. Two digits per letter ("00" ends the word
    part, spaces and punctuation "01", digits "02"-"11", letters from "12" in the Vietnamese
    alphabet), then one digit per tone.
    """
    letters, tones, _ = vn_sort_key(value)
    codes = []
    for rank, base in letters:
        if rank == -1:
            codes.append(f"{2 + int(base):02d}" if base.isdigit() and len(base) == 1 else "01")
        else:
            codes.append(f"{12 + min(rank, 87):02d}")
    return "".join(codes)[:380] + "00" + "".join(str(t) for t in tones)[:100]


# --- Bad input -------------------------------------------------------------------------------


def has_control_characters(value: str) -> bool:
    """True if the text holds control characters (NUL, escape, tab…): none belongs in a name, and
    PostgreSQL refuses NUL outright, so such a value would fail half-way through a write."""
    return any(unicodedata.category(ch) == "Cc" for ch in value or "")


_OS_ERRORS = {
    errno.ENOENT: "không có thư mục hoặc tệp này",
    errno.ENOTDIR: "một phần của đường dẫn không phải là thư mục",
    errno.EISDIR: "đây là một thư mục, không phải tệp",
    errno.EACCES: "không có quyền truy cập",
    errno.EPERM: "không được phép",
    errno.ENOSPC: "ổ đĩa đã đầy",
    errno.EROFS: "ổ đĩa chỉ cho phép đọc",
    errno.ENAMETOOLONG: "tên tệp quá dài",
}


def os_error_text(exc: OSError) -> str:
    """The operating system's reason in Vietnamese (its own strerror is English)."""
    return _OS_ERRORS.get(exc.errno, f"lỗi hệ điều hành (mã {exc.errno})")
