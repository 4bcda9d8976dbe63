"""Property-based tests (Hypothesis): slugs, search folding and the importers, on generated input.

Each test states a rule that must hold for every input, not just for the examples of the other
test files: slugs are clean ASCII whatever is typed, search folding ignores diacritics, highlighted
snippets are escaped HTML that still say what the text said, and an importer fed any file answers
with Vietnamese errors (ImportFileError / ImportRejected) instead of crashing, while every record
it accepts survives the trip into the database and the flat (CSV/XLSX) layout unchanged.
"""

from __future__ import annotations

import csv
import datetime
import html
import io
import json
import os
import re
import unicodedata
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText

from pages.procedures import importing
from pages.procedures.importing import read_catalogue_file
from pages.procedures.models import TIME_UNITS, Procedure, procedure_slug
from pages.procedures.national import record_from_national
from pages.procedures.records import apply_record, normal_time, record_of
from pages.search import MAX_QUERY_CHARS, MAX_WORDS, clean_query, highlight
from pages.search_backend import fold_query, fold_text
from sites.importers import COLUMNS, CommuneRow, ImportFileError, ImportRejected, read_commune_rows, validate_rows
from sites.models import Commune, Province
from sites.text import (
    fold,
    hostname_label,
    is_valid_hostname,
    search_words,
    slugify_by_steps,
    vn_collation_key,
    vn_slugify,
    vn_sort_key,
)
from tests import factories_procedures

# Fast enough for CI: a few hundred examples per pure property, fewer where the database is involved.
# No example database (kept examples would live in .hypothesis/): a failure prints its own example.
# CI runs the same examples every time (a red build is never luck); a local run tries new ones.
COMMON = {"deadline": None, "database": None, "derandomize": os.environ.get("CI") == "true"}
PURE = settings(max_examples=300, **COMMON)
SLOW = settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow], **COMMON)
# A function-scoped database fixture is fine here: examples only read it, or roll their own writes back.
DB = settings(
    max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], **COMMON
)

# --- Generated text -------------------------------------------------------------------------------

# Every Vietnamese vowel with its tone and letter marks, by the letter it folds to.
BASE_OF = {
    letter: base
    for base, letters in {
        "a": "aàáạảãâầấậẩẫăằắặẳẵ",
        "e": "eèéẹẻẽêềếệểễ",
        "i": "iìíịỉĩ",
        "o": "oòóọỏõôồốộổỗơờớợởỡ",
        "u": "uùúụủũưừứựửữ",
        "y": "yỳýỵỷỹ",
        "d": "dđ",
    }.items()
    for letter in letters
} | {c: c for c in "bcfghjklmnpqrstvwxz"}
BASE_OF |= {letter.upper(): base for letter, base in BASE_OF.items()}
VIETNAMESE_LETTERS = "".join(BASE_OF)
PUNCTUATION = " \t\n-_.,:;!?()[]/\\'\"“”–—…%&#@*+=<>"
SLUG = re.compile(r"^(?:[a-z0-9]+(?:-[a-z0-9]+)*)?$")

letters = st.sampled_from(VIETNAMESE_LETTERS)
vietnamese_text = st.text(alphabet=st.sampled_from(VIETNAMESE_LETTERS + "0123456789" + PUNCTUATION), max_size=60)
# Composed (NFC) as most keyboards type it, or decomposed (NFD) as some Macs and Unikey settings do.
typed_vietnamese = st.builds(unicodedata.normalize, st.sampled_from(["NFC", "NFD"]), vietnamese_text)
any_text = typed_vietnamese | st.text(max_size=60)
words = st.lists(st.text(alphabet=letters, min_size=1, max_size=8), min_size=1, max_size=6)


def _without_marks(text: str) -> bool:
    return not any(unicodedata.combining(ch) for ch in text)


# --- Slugs ------------------------------------------------------------------------------------------


@PURE
@given(any_text)
@example("İstanbul ſ K")  # letters that Python's case-insensitive [a-z] matches but are not ASCII
def test_slugs_are_lowercase_ascii_words_joined_by_single_dashes(text):
    for slugify in (vn_slugify, slugify_by_steps):
        slug = slugify(text)
        assert SLUG.match(slug), (slugify.__name__, text, slug)
        assert slugify(slug) == slug  # idempotent on its own output


@PURE
@given(words, st.lists(st.sampled_from(PUNCTUATION), min_size=1, max_size=3), st.sampled_from(["NFC", "NFD"]))
def test_every_vietnamese_letter_becomes_its_base_letter(word_list, separator, form):
    text = unicodedata.normalize(form, "".join(separator).join(word_list))
    expected = "-".join("".join(BASE_OF[ch] for ch in word).lower() for word in word_list)
    assert vn_slugify(text) == expected
    assert slugify_by_steps(text) == expected
    assert "đ" not in fold(text).lower() and "Đ" not in fold(text)


@PURE
@given(typed_vietnamese)
def test_admin_slug_steps_equal_the_server_slug_for_vietnamese_text(text):
    assert slugify_by_steps(text) == vn_slugify(text)


@PURE
@given(any_text)
def test_hostname_labels_are_plain_and_valid_when_short(name):
    label = hostname_label(name)
    assert re.fullmatch(r"[a-z0-9]*", label)
    assert is_valid_hostname(f"{label}.thainguyen.gov.vn") == (1 <= len(label) <= 63)


@PURE
@given(st.from_regex(r"[a-z0-9-]{1,10}(\.[a-z0-9-]{1,10}){1,3}", fullmatch=True) | st.text(max_size=40))
@example("dongdat.thainguyen.gov.vn")
def test_a_valid_hostname_is_only_lowercase_ascii_dots_and_dashes(hostname):
    if is_valid_hostname(hostname):
        assert re.fullmatch(r"[a-z0-9.-]+", hostname), repr(hostname)
    assert not is_valid_hostname(hostname + "\n")


@PURE
@given(
    st.text(alphabet=st.sampled_from(VIETNAMESE_LETTERS + " 0123456789"), max_size=40),
    st.text(alphabet=st.sampled_from(VIETNAMESE_LETTERS + " 0123456789"), max_size=40),
)
def test_the_stored_collation_key_sorts_like_the_python_sort_key(a, b):
    """ORDER BY the stored digits gives the Vietnamese dictionary order the listing shows."""
    key_a, key_b = vn_collation_key(a), vn_collation_key(b)
    assert key_a.isdigit()
    letters_a, tones_a, _ = vn_sort_key(a)
    letters_b, tones_b, _ = vn_sort_key(b)
    if (letters_a, tones_a) < (letters_b, tones_b):
        assert key_a < key_b, (a, b)
    elif (letters_a, tones_a) == (letters_b, tones_b):
        assert key_a == key_b, (a, b)


# --- Search normalisation ---------------------------------------------------------------------------


@PURE
@given(any_text)
def test_fold_removes_every_mark_and_is_idempotent(text):
    folded = fold(text)
    assert _without_marks(folded) and "đ" not in folded and "Đ" not in folded
    assert fold(folded) == folded
    if text.isascii():
        assert folded == text


@PURE
@given(
    st.builds(
        unicodedata.normalize, st.just("NFD"), st.text(alphabet=st.sampled_from(VIETNAMESE_LETTERS + " 0123456789"))
    )
)
def test_fold_keeps_case_and_maps_vietnamese_letters_to_their_base(text):
    text = unicodedata.normalize("NFC", text)
    expected = "".join(BASE_OF.get(ch, ch) if ch.islower() else BASE_OF.get(ch, ch).upper() for ch in text)
    assert fold(text) == expected


@PURE
@given(any_text)
@example("1/\x00KH")
def test_search_words_ignore_diacritics_case_and_spacing(text):
    found = search_words(text)
    assert all(word and word == word.lower() and not any(ch.isspace() for ch in word) for word in found)
    assert _without_marks("".join(found)) and "\x00" not in "".join(found)  # PostgreSQL refuses NUL
    assert search_words(" ".join(found)) == found
    assert search_words(fold(text)) == found
    assert search_words(unicodedata.normalize("NFD", text)) == found


@PURE
@given(typed_vietnamese)
def test_search_words_of_vietnamese_text_ignore_case(text):
    assert search_words(text.upper()) == search_words(text.lower()) == search_words(text)


@PURE
@given(st.none() | any_text | st.text(min_size=100, max_size=400))
def test_clean_query_tidies_caps_and_explains(raw):
    query, found, message = clean_query(raw)
    assert len(query) <= MAX_QUERY_CHARS
    assert query == " ".join(query.split())
    assert " ".join((raw or "").split()).startswith(query)
    every_word = re.findall(r"[a-z0-9]+", fold(query).lower())
    assert found == every_word[:MAX_WORDS]
    assert all(re.fullmatch(r"[a-z0-9]+", word) for word in found)
    # A message exactly when the resident must be told something: nothing typed, only symbols, or too long.
    assert bool(message) == (not found or len(every_word) > MAX_WORDS)
    assert message == "" or message.endswith(".")


def _plain(marked: str) -> str:
    return html.unescape(marked.replace("<mark>", "").replace("</mark>", ""))


@PURE
@given(
    any_text | st.text(alphabet=st.sampled_from(VIETNAMESE_LETTERS + " <>&\"'"), min_size=200, max_size=600),
    st.lists(st.from_regex(r"[a-z0-9]{1,6}", fullmatch=True), max_size=4),
)
def test_highlight_is_escaped_html_of_exactly_the_text(text, query_words):
    marked = str(highlight(text, query_words))
    assert _plain(marked) == text
    # Only <mark> tags are markup; everything the text held is escaped.
    assert re.sub(r"</?mark>", "", marked).count("<") == 0
    assert marked.count("<mark>") == marked.count("</mark>")
    assert "<mark></mark>" not in marked
    for segment in re.findall(r"<mark>(.*?)</mark>", marked, flags=re.DOTALL):
        folded = fold(html.unescape(segment)).lower()
        assert any(folded.startswith(word) for word in query_words), (segment, query_words)
    # No mark means no query word starts a word of the text.
    if "<mark>" not in marked:
        folded_text = fold(text).lower()
        assert not any(re.search(r"(?<![a-z0-9])" + re.escape(w), folded_text) for w in query_words)


@PURE
@given(
    st.text(alphabet=st.sampled_from(VIETNAMESE_LETTERS + " .,<&"), max_size=700),
    st.lists(st.from_regex(r"[a-z0-9]{1,6}", fullmatch=True), max_size=4),
    st.integers(min_value=20, max_value=300),
)
@example("Thông báo: https://example.vn/" + "x" * 300 + " đăng ký", ["dang"], 100)  # a long link before the match
@example("a" * 500 + ".dang ky", ["dang"], 100)
def test_highlight_window_is_a_piece_of_the_text_around_the_first_match(text, query_words, width):
    marked = str(highlight(text, query_words, width))
    plain = _plain(marked)
    if len(text) <= width:
        assert plain == text
        return
    window = plain.removeprefix("… ").removesuffix(" …")
    assert len(window) <= width and window in text
    if not text.startswith(window):
        assert plain.startswith("… ")
    if not text.endswith(window):
        assert plain.endswith(" …")
    # "A window around the first match": a word found in the text is marked in the snippet.
    folded = fold(text).lower()
    if any(re.search(r"(?<![a-z0-9])" + re.escape(w), folded) for w in query_words):
        assert "<mark>" in marked, (text, query_words, width, marked)


def _queries(strings):
    leaves = (
        st.builds(PlainText, strings) | st.builds(Phrase, strings) | st.builds(Fuzzy, strings) | st.just(MatchAll())
    )
    return st.recursive(
        leaves,
        lambda inner: (
            st.builds(And, st.lists(inner, min_size=1, max_size=3))
            | st.builds(Or, st.lists(inner, min_size=1, max_size=3))
            | st.builds(Not, inner)
            | st.builds(Boost, inner, st.floats(min_value=0.1, max_value=10))
        ),
        max_leaves=8,
    )


def _query_strings(query) -> list[str]:
    found = [query.query_string] if isinstance(getattr(query, "query_string", None), str) else []
    for sub in getattr(query, "subqueries", None) or []:
        found += _query_strings(sub)
    if getattr(query, "subquery", None) is not None:
        found += _query_strings(query.subquery)
    return found


@PURE
@given(_queries(any_text))
def test_the_search_backend_folds_every_string_of_a_query_tree_and_leaves_the_original(query):
    before = _query_strings(query)
    folded = fold_query(query)
    assert type(folded) is type(query)
    assert _query_strings(folded) == [fold_text(s) for s in before]
    assert _query_strings(query) == before  # the caller's query is not modified
    assert all(_without_marks(s) and s == s.lower() for s in _query_strings(folded))


@PURE
@given(any_text)
def test_search_backend_folds_plain_strings_like_the_index(text):
    assert fold_query(text) == fold_text(text) == fold(text).lower()


# --- Commune list importer (sites.importers) -------------------------------------------------------

cell_text = st.text(max_size=25) | st.text(alphabet=st.sampled_from(VIETNAMESE_LETTERS + ' ,;"\n\r'), max_size=25)
header_names = st.sampled_from(COLUMNS) | st.sampled_from([c.upper() for c in COLUMNS]) | st.text(max_size=8)


def _csv_bytes(rows: list[list[str]], bom: bool) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


@SLOW
@given(
    st.lists(header_names, max_size=9),
    st.lists(st.lists(cell_text, max_size=9), max_size=5),
    st.booleans(),
)
def test_reading_any_commune_csv_gives_rows_or_a_vietnamese_file_error(header, body, bom):
    try:
        rows = read_commune_rows(io.BytesIO(_csv_bytes([header, *body], bom)))
    except ImportFileError as exc:
        assert str(exc).endswith(".") and ("Dòng" in str(exc) or "Tệp" in str(exc))
        return
    assert all(isinstance(row, CommuneRow) and row.line >= 2 for row in rows)


@SLOW
@given(st.binary(max_size=300))
def test_reading_any_bytes_as_a_commune_list_never_crashes(data):
    try:
        rows = read_commune_rows(io.BytesIO(data))
    except ImportFileError as exc:
        assert str(exc).strip()
    else:
        assert all(isinstance(row, CommuneRow) for row in rows)


@SLOW
@given(
    st.permutations(COLUMNS),
    st.lists(st.fixed_dictionaries({name: cell_text for name in COLUMNS}), min_size=1, max_size=4),
)
def test_commune_csv_cells_are_read_back_tidied(order, records):
    rows = read_commune_rows(io.BytesIO(_csv_bytes([list(order), *[[r[c] for c in order] for r in records]], True)))

    def tidy(value):
        return unicodedata.normalize("NFC", " ".join(value.split()))

    kept = [r for r in records if any(tidy(v) for v in r.values())]  # blank rows are skipped
    assert len(rows) == len(kept)
    for row, written in zip(rows, kept, strict=True):
        for name in ("province", "province_domain", "kind", "name", "code", "hostname"):
            assert getattr(row, name) == tidy(written[name])
        assert row.former_units == tuple(p.strip() for p in tidy(written["former_units"]).split(";") if p.strip())


province_names = st.sampled_from(["Thái Nguyên", "Quảng Ngãi", "Hà Nội", ""]) | st.text(max_size=12)
domains = st.sampled_from(["thainguyen.gov.vn", "quangngai.gov.vn", "hanoi.gov.vn", "bad_domain", ""]) | st.text(
    max_size=12
)
commune_rows = st.builds(
    CommuneRow,
    line=st.just(0),
    province=province_names,
    province_domain=domains,
    kind=st.sampled_from(["xã", "Phường", "thị trấn", "đặc khu", "huyện", ""]) | st.text(max_size=6),
    name=st.sampled_from(["Động Đạt", "Phú Lương", "Tân Phú", "!!!", "x" * 101]) | vietnamese_text,
    code=st.sampled_from(["", "08770", "12ab", "²"]) | st.from_regex(r"[0-9]{1,5}", fullmatch=True),
    hostname=st.sampled_from(["", "dongdat.thainguyen.gov.vn", "Bad Host", "x.y"]) | st.text(max_size=10),
    former_units=st.lists(vietnamese_text, max_size=2).map(tuple),
    extra_cells=st.sampled_from([0, 0, 0, 1]),
)


@pytest.mark.django_db
@DB
@given(st.lists(commune_rows, max_size=5), st.booleans())
def test_validating_commune_rows_never_crashes_and_writes_nothing(province_a, commune_a, rows, local):
    rows = [CommuneRow(**{**r.__dict__, "line": n}) for n, r in enumerate(rows, start=2)]
    before = (Province.objects.count(), Commune.objects.count())
    specs, errors = validate_rows(rows, local_hostnames=local)
    assert (Province.objects.count(), Commune.objects.count()) == before
    assert all(isinstance(e, str) and re.match(r"Dòng \d+: \S", e) for e in errors)
    failed = {int(re.match(r"Dòng (\d+)", e).group(1)) for e in errors}
    assert failed <= {r.line for r in rows}
    assert len(specs) + len(failed) == len(rows)  # every row is either good or named in an error
    for spec in specs:
        assert is_valid_hostname(spec.hostname) and SLUG.match(spec.slug) and spec.slug


# --- Procedure catalogue importer (pages.procedures) -----------------------------------------------

NATIONAL_KEYS = [
    "MATTHC", "TENTTHC", "MACOQUANCONGBO", "CAPTHUCHIEN", "LINHVUCTHUCHIEN", "MALINHVUC", "TENLINHVUC",
    "TRINHTUTHUCHIEN", "TRUONGHOP", "TRINHTU", "TENTRINHTU", "CACHTHUCTHUCHIEN", "KENH", "THOIGIAN",
    "THOIGIANGIAIQUYET", "DONVITINH", "MOTA", "PHILEPHI", "SOTIEN", "DONVI", "THANHPHANHOSO", "GIAYTO",
    "TENGIAYTO", "SOBANCHINH", "SOBANSAO", "TENMAUDON", "URL", "DOITUONGTHUCHIEN", "TENDOITUONG",
    "KETQUATHUCHIEN", "TENKETQUA", "CANCUPHAPLY", "SOVANBAN", "TENVANBAN", "COQUANTHUCHIEN", "TENDONVI",
    "YEUCAU", "MUCDO", "TRANGTHAI", "NGAYCAPNHAT",
]  # fmt: skip
# Values the national data really holds, and the ones that once crashed or hung the importer.
TRICKY = ["1", "2", "3", "0,5", "8.000", "01/02/2025", "Toàn trình", "Đã bãi bỏ", "1.001193", "Cấp Xã"]
TRICKY += ["Infinity", "-Infinity", "NaN", "sNaN", "1e9999999", "1e-9999999", "-1", "9" * 5000]
json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=15) | st.sampled_from(TRICKY)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(NATIONAL_KEYS) | st.text(max_size=4), inner, max_size=6)
    ),
    max_leaves=25,
)
national_dicts = st.dictionaries(st.sampled_from(NATIONAL_KEYS), json_values, max_size=12)
RECORD_KEYS = set(factories_procedures.procedure_record())


def _is_vietnamese_errors(errors) -> bool:
    return isinstance(errors, list) and all(isinstance(e, str) and e.strip() and e.endswith((".", ")")) for e in errors)


@SLOW
@given(national_dicts | json_values)
@example({"CACHTHUCTHUCHIEN": 1})
@example({"THANHPHANHOSO": [{"GIAYTO": [{"TENGIAYTO": "Tờ khai", "SOBANCHINH": "1e9999999"}]}]})
@example({"CACHTHUCTHUCHIEN": [{"KENH": 1, "THOIGIAN": [{"THOIGIANGIAIQUYET": "Infinity"}]}]})
@example({"CACHTHUCTHUCHIEN": [{"KENH": "2", "THOIGIAN": [{"PHILEPHI": [{"SOTIEN": "9" * 5000}]}]}]})
def test_any_national_record_gives_a_record_and_vietnamese_errors(raw):
    record, errors = record_from_national(raw)
    assert _is_vietnamese_errors(errors)
    if not isinstance(raw, dict):
        assert (record, errors) == ({}, ["Bản ghi không phải là một đối tượng JSON ({...})."])
        return
    # Always the full shape of records.py, so the checks and the admin can read any record.
    assert set(record) == RECORD_KEYS
    assert all(isinstance(record[k], str) for k in ("code", "name", "field", "level", "requirements", "updated_on"))
    assert all(isinstance(item, str) and item for k in ("agency", "applicants", "results") for item in record[k])
    assert all(m["channel"] in (1, 2, 3) and isinstance(m["fees"], list) for m in record["methods"])
    if not errors:
        assert record["code"] and record["name"] and record["field"]


def _read(data: bytes):
    """read_catalogue_file, which may refuse the file but must not fail any other way."""
    try:
        records = read_catalogue_file(io.BytesIO(data))
    except ImportRejected as exc:
        assert exc.errors and _is_vietnamese_errors(exc.errors)
        assert all(re.match(r"(Bản ghi thứ|Dòng) \d+", e) for e in exc.errors), exc.errors
        return None
    except ImportFileError as exc:
        assert str(exc).strip()
        return None
    assert records and all(isinstance(r, dict) for r in records)
    return records


@SLOW
@given(st.lists(national_dicts, max_size=3) | json_values | st.fixed_dictionaries({"data": st.lists(national_dicts)}))
@example("[" * 5000)
def test_any_json_catalogue_is_read_or_refused_in_vietnamese(content):
    data = content.encode() if isinstance(content, str) else json.dumps(content, ensure_ascii=False).encode()
    _read(data)


@pytest.mark.parametrize("text", ['[{"SOBANCHINH": %s}]' % ("1" * 4400), "[" * 5000 + "]" * 5000])
def test_json_the_parser_itself_refuses_is_a_file_error(text):
    with pytest.raises(ImportFileError, match="lồng quá sâu hoặc có số quá dài"):
        read_catalogue_file(io.BytesIO(text.encode()))


flat_cells = (
    st.text(max_size=40)
    | st.text(alphabet=st.sampled_from(VIETNAMESE_LETTERS + "0123456789 :;,.()-–\n\t"), max_size=80)
    | st.sampled_from(
        [
            "Trực tiếp: 01 ngày làm việc (mô tả); Lệ phí: 8.000 đồng (mô tả); Phí: 0 đồng",
            "Trực tuyến: 1e9999999 ngày",
            "Tờ khai (Bản chính: 1e9999999, Bản sao: Infinity)",
            "Bước 1: Nộp hồ sơ.\nTrường hợp ủy quyền:\n- Nhận kết quả.",
            "60/2014/QH13 – Luật Hộ tịch",
        ]
    )
)


@SLOW
@given(
    st.lists(st.sampled_from(importing.FLAT_COLUMNS) | st.text(max_size=6), max_size=20),
    st.lists(st.lists(flat_cells, max_size=18), max_size=3),
    st.sampled_from([",", ";", "\t"]),
)
def test_any_csv_catalogue_is_read_or_refused_in_vietnamese(header, body, delimiter):
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter).writerows([header, *body])
    _read(out.getvalue().encode("utf-8-sig"))


@SLOW
@given(st.binary(max_size=400))
def test_any_bytes_as_a_catalogue_are_read_or_refused(data):
    _read(data)


@SLOW
@given(st.dictionaries(st.sampled_from(importing.FLAT_COLUMNS), flat_cells))
def test_any_flat_row_gives_a_record_and_vietnamese_errors(values):
    record, errors = importing.record_from_flat(values)
    assert isinstance(record, dict) and _is_vietnamese_errors(errors)


# --- Valid records round-trip: database blocks, national JSON, flat CSV -----------------------------

TEXT_CHARS = VIETNAMESE_LETTERS + "0123456789" + " .,;:()/-–%\"'"


def _text(max_size=40, chars=TEXT_CHARS):
    """Non-empty text as an importer leaves it: trimmed."""
    return st.text(alphabet=st.sampled_from(chars), min_size=1, max_size=max_size).map(str.strip).filter(bool)


def _line_item(max_size=40):
    """An item of a one-per-line field (agency, applicants, results): stored as lines, read back trimmed."""
    return _text(max_size).map(lambda s: s.strip(" -•\t")).filter(bool)


optional_text = st.just("") | _text()
# The flat layout puts a time or fee description in brackets, so a description's own brackets must pair up:
# "Lệ phí: 8.000 đồng (theo Nghị quyết (sửa đổi) 12)" reads back; an unpaired "(" cannot (a known limit).
_plain_piece = _text(20, TEXT_CHARS.replace("(", "").replace(")", ""))
note_text = st.just("") | st.lists(_plain_piece | _plain_piece.map("({})".format), min_size=1, max_size=3).map(" ".join)
fee = st.fixed_dictionaries({"amount": st.integers(0, 10**12), "note": note_text})
# A case (trường hợp) starts with a letter: a line starting "-", "1." or "Bước 1" is a step or a paper.
case_text = st.just("") | _text().filter(lambda s: s[0].isalpha() and not fold(s).lower().startswith("buoc"))
method = st.fixed_dictionaries(
    {
        "channel": st.sampled_from([1, 2, 3]),
        "time": st.just("") | st.decimals(min_value=0, max_value=Decimal("99999.9"), places=1).map(normal_time),
        "unit": st.sampled_from(TIME_UNITS),
        "time_note": note_text,
        "fees": st.lists(fee, max_size=3),
    }
)
paper = st.fixed_dictionaries(
    {
        "name": _text(),
        "originals": st.integers(0, 20),
        "copies": st.integers(0, 20),
        "form_name": note_text,  # "Mẫu TK1 (Thông tư 04), ban hành kèm …": brackets paired, as for notes
        "form_url": st.just("") | st.from_regex(r"https://[a-z]{1,10}\.vn/[a-z0-9/_-]{0,20}", fullmatch=True),
        "form": st.none(),
    }
)
# A document number (số hiệu: "60/2014/QH13") starts with a letter or digit, never with a dash or bullet.
document_number = _text(20).filter(lambda s: s[0].isalnum())
legal_document = st.fixed_dictionaries(
    {"number": st.just("") | document_number, "title": _text()}
) | st.fixed_dictionaries({"number": document_number, "title": st.just("")})
records = st.fixed_dictionaries(
    {
        "code": st.from_regex(r"[12]\.[0-9]{6}(\.[0-9A-Z]{1,3}){0,2}", fullmatch=True),
        "name": _text(120),
        "field": _text(60),
        "field_code": st.just("") | _text(10, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
        "level": _text(30),
        "publisher_code": st.just("") | _text(10, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
        "agency": st.lists(_line_item(), min_size=1, max_size=3),
        "applicants": st.lists(_line_item(), max_size=3),
        "results": st.lists(_line_item(), max_size=3),
        "requirements": st.just("") | _text(80).filter(lambda s: fold(s).lower() not in ("khong",)),
        "steps": st.lists(
            st.fixed_dictionaries({"case": case_text, "steps": st.lists(_text(), max_size=3)}), max_size=3
        ),
        "methods": st.lists(method, max_size=3),
        "dossier": st.lists(
            st.fixed_dictionaries({"case": case_text, "papers": st.lists(paper, max_size=3)}), max_size=3
        ),
        "legal_basis": st.lists(legal_document, max_size=3),
        "online_level": st.sampled_from(["full", "partial", "none"]),
        "status": st.sampled_from(["active", "abolished"]),
        "updated_on": st.just("")
        | st.dates(datetime.date(1990, 1, 1), datetime.date(2100, 12, 31)).map(datetime.date.isoformat),
    }
)


@SLOW
@given(records)
def test_a_valid_record_survives_the_national_layout(record):
    assert record_from_national(importing.national_from_record(record)) == (record, [])


# Form names as ministries write them: a dash, a comma, brackets. Each was cut short or refused before.
FORM_NAMES = ["Tờ khai đăng ký khai sinh - Mẫu 01", "Mẫu TK1, ban hành kèm Thông tư 04", "Mẫu TK1 (Thông tư 04)"]


@SLOW
@given(records)
@example(
    factories_procedures.procedure_record(
        papers=[factories_procedures.paper("Tờ khai", form_name=name) for name in FORM_NAMES]
    )
)
def test_a_valid_record_survives_the_flat_row(record):
    assert importing.record_from_flat(importing.flat_row_from_record(record)) == (record, [])


@SLOW
@given(st.lists(records, min_size=1, max_size=3, unique_by=lambda r: procedure_slug(r["name"], r["code"])))
def test_valid_records_survive_a_csv_and_a_json_file(found):
    assume(len({r["code"] for r in found}) == len(found))
    for fmt in ("csv", "json"):
        assert read_catalogue_file(io.BytesIO(importing.export_records(found, fmt))) == found, fmt


@pytest.mark.django_db
@DB
@given(records)
def test_a_valid_record_round_trips_through_the_stored_blocks(province_a, record):
    with transaction.atomic():
        procedure = Procedure(province=province_a)
        apply_record(procedure, record)
        procedure.save()
        assert record_of(Procedure.objects.get(pk=procedure.pk)) == record
        transaction.set_rollback(True)  # the next example may use the same code


def _messy(raw: dict, data) -> dict:
    """A national record with some values replaced: as a real export may hold them."""
    raw = json.loads(json.dumps(raw))
    for key in data.draw(st.lists(st.sampled_from(sorted(raw)), max_size=3, unique=True)):
        raw[key] = data.draw(json_values)
    for key in data.draw(st.lists(st.sampled_from(["TENDOITUONG", "TENKETQUA", "TENDONVI"]), max_size=2)):
        rows = raw.get({"TENDOITUONG": "DOITUONGTHUCHIEN", "TENKETQUA": "KETQUATHUCHIEN"}.get(key, "COQUANTHUCHIEN"))
        if isinstance(rows, list) and rows and isinstance(rows[0], dict):
            rows[0][key] = data.draw(
                st.sampled_from(["Cá nhân\nTổ chức", "Cá nhân\x0bTổ chức", "- Hộ gia đình", "A\x00B"])
            )
    return raw


@pytest.mark.django_db
@DB
@given(records, st.data())
def test_a_national_record_that_validates_round_trips_through_the_stored_blocks(province_a, record, data):
    """What the importer accepts is stored and read back unchanged, so a re-import writes nothing."""
    found, errors = record_from_national(_messy(importing.national_from_record(record), data))
    if errors:
        return
    with transaction.atomic():
        procedure = Procedure(province=province_a)
        apply_record(procedure, found)
        procedure.save()
        assert record_of(Procedure.objects.get(pk=procedure.pk)) == found
        transaction.set_rollback(True)
