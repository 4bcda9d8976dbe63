"""Vietnamese text helpers: the one slug function every part of the product uses."""

import re
import unicodedata

# "đ" has no Unicode decomposition, so NFKD alone would drop it ("Động Đạt" -> "ong at").
_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(value: str) -> str:
    """Remove Vietnamese diacritics, including đ and two-mark vowels: "Động Đạt" -> "Dong Dat"."""
    value = unicodedata.normalize("NFKD", str(value).translate(_D_MAP))
    return "".join(ch for ch in value if not unicodedata.combining(ch))


def vn_slugify(value: str) -> str:
    """ASCII slug of a Vietnamese name: "Xã Động Đạt" -> "xa-dong-dat"."""
    return _NON_ALNUM.sub("-", fold(value).lower()).strip("-")


def hostname_label(value: str) -> str:
    """DNS label for a commune or province name, as Decree 224 asks: "Động Đạt" -> "dongdat"."""
    return vn_slugify(value).replace("-", "")


_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def is_valid_hostname(value: str) -> bool:
    """A lower-case ASCII hostname of dot-separated labels, at least two of them."""
    if not value or len(value) > 253:
        return False
    labels = value.split(".")
    return len(labels) >= 2 and all(_LABEL.match(label) for label in labels)
