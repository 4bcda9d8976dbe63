"""Vietnamese alphabetical order: a ă â b c d đ e ê … with tones after the base letter.

Plain codepoint order puts "Đất đai" after "Y tế"; residents expect it after "Dân số".
"""

import unicodedata

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
