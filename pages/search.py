"""Site search for residents: one commune's live pages, found with or without diacritics.

The full-text part goes through Wagtail's search backend (pages/search_backend.py folds
index and query). Document numbers ("96/KH-UBND") and procedure codes ("1.001193") are
also looked up exactly and shown first, because residents copy them from paper.
"""

import operator
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import reduce

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Q
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from wagtail.models import Page

from sites.text import fold

MAX_QUERY_CHARS = 120
MAX_WORDS = 12
PER_PAGE = 10
MAX_CANDIDATES = 2_000  # a query matching more than this is too vague to page through anyway
PROCEDURE_HITS = 5  # procedures shown above the pages; the rest are one click away in the procedures section
SNIPPET_CHARS = 220

_WORD = re.compile(r"[a-z0-9]+")
_PROCEDURE_CODE = re.compile(r"^\d+(\.\d+)+$")

# What a resident is told each result is.
KIND_LABELS = {
    "articlepage": "Tin bài",
    "guidingdocumentpage": "Văn bản",
    "videopage": "Video",
    "gallerypage": "Hình ảnh",
    "disclosurepage": "Công khai",
    "consultationpage": "Lấy ý kiến",
}
# Where a page keeps the sentence that best describes it, in order of preference.
SUMMARY_FIELDS = ("summary", "description", "intro", "search_description")


@dataclass
class Hit:
    page: Page | None
    kind: str
    date: date | datetime | None
    title: SafeString
    snippet: SafeString
    exact: bool = False
    url: str = ""  # for results that are not pages (a procedure of the commune's catalogue)
    shared_from: str = ""  # "Từ UBND tỉnh …" for a province item listed on the commune (pages.province_content)


@dataclass
class SearchOutcome:
    query: str
    words: list[str] = field(default_factory=list)
    exact: list[Hit] = field(default_factory=list)
    results: object = None  # a paginator page of Hit
    relaxed: bool = False  # no page had every word; these have some of them
    message: str = ""
    procedures: list[Hit] = field(default_factory=list)  # the commune's procedures matching every word
    procedure_total: int = 0
    procedures_url: str = ""  # the procedures section filtered by the query

    @property
    def total(self) -> int:
        return self.procedure_total + len(self.exact) + (self.results.paginator.count if self.results else 0)


def clean_query(raw: str) -> tuple[str, list[str], str]:
    """(query as typed but tidied, folded words to search, a message for the resident or "")."""
    query = " ".join((raw or "").split())[:MAX_QUERY_CHARS].rstrip()  # the cut may fall after a space
    words = _WORD.findall(fold(query).lower())
    if not query:
        return "", [], "Hãy nhập từ cần tìm, ví dụ: đăng ký khai sinh, chứng thực, kết hôn."
    if not words:
        return query, [], "Từ khóa chỉ có ký hiệu. Hãy nhập chữ hoặc số, ví dụ: cấp giấy phép xây dựng."
    if len(words) > MAX_WORDS:
        return query, words[:MAX_WORDS], f"Từ khóa quá dài; chỉ tìm theo {MAX_WORDS} từ đầu tiên."
    return query, words, ""


def search_commune(commune, raw_query: str, page_number=1, request=None) -> SearchOutcome:
    """Live public pages of `commune` matching the query; exact number/code matches first.

    The commune's procedures (not pages: they come from the province catalogue) are matched
    on their name and code and listed above the pages.
    """
    query, words, message = clean_query(raw_query)
    outcome = SearchOutcome(query=query, words=words, message=message)
    if not words:
        return outcome
    if str(page_number or "1") == "1":
        _add_procedures(outcome, commune, query, words, request)
    scope = Page.objects.live().public().filter(_commune_pages(commune))
    exact_pages = _exact_matches(scope, query)
    outcome.exact = [_hit(p, words, exact=True) for p in exact_pages]
    exclude = [p.pk for p in exact_pages]

    text = " ".join(words)
    ranked = _ranked_ids(scope.exclude(pk__in=exclude), text, "and", words)
    if not exact_pages and not ranked and not outcome.procedures:
        ranked = _ranked_ids(scope, text, "or", words)
        if str(page_number or "1") == "1":
            _add_procedures(outcome, commune, query, words, request, any_word=True)
        outcome.relaxed = True
    outcome.results = _paginate(ranked, page_number, words)
    _mark_shared(outcome, commune)
    return outcome


def _commune_pages(commune):
    """The commune's own pages and the province's news and documents it lists (pages.province_content)."""
    from pages.guidance.models import GuidingDocumentPage
    from pages.news.models import ArticlePage
    from pages.province_content.sharing import shared_q

    home = commune.home_page
    own = Q(path__startswith=home.path)
    for model in (ArticlePage, GuidingDocumentPage):
        own |= Q(pk__in=model.objects.filter(shared_q(model, home.path, commune_id=commune.pk)).values("pk"))
    return own


def _mark_shared(outcome, commune) -> None:
    from pages.province_content.models import authority_name

    home_path = commune.home_page.path
    for hit in [*outcome.exact, *(outcome.results.object_list if outcome.results else [])]:
        if hit.page is not None and not hit.page.path.startswith(home_path):
            hit.shared_from = f"Từ {authority_name(commune.province)}"


def _ranked_ids(scope, text, operator, words) -> list[int]:
    """Matching page ids: title matches first, then the newest.

    The backend only filters (one full-text match); ranking here is one cheap pass over
    (id, title, date). Letting the database backends score relevance costs one full-text
    match per candidate row, which took seconds for common words over 100,000 pages.
    """
    newest_first = scope.only("id", "title", "first_published_at").order_by("-first_published_at")
    matches = newest_first.search(text, operator=operator, order_by_relevance=False)
    rows = [(page.pk, page.title, page.first_published_at) for page in matches[:MAX_CANDIDATES]]

    rows.sort(key=lambda row: row[2].timestamp() if row[2] else 0, reverse=True)
    # Stable sort: newest first within a rank.
    rows.sort(key=lambda row: _words_at_start_of_words(words, row[1]), reverse=True)
    return [row[0] for row in rows]


def _add_procedures(outcome, commune, query, words, request, any_word=False) -> None:
    from urllib.parse import urlencode

    from pages.procedures.models import ProcedureIndexPage, procedure_search_filter

    index = ProcedureIndexPage.objects.child_of(commune.home_page).live().public().first()
    if index is None:
        return
    index.__dict__["commune"] = commune
    compact = query.replace(" ", "")
    entries = index.entries()
    if _PROCEDURE_CODE.match(compact):
        entries = entries.filter(procedure__code__startswith=compact)
    elif any_word:
        entries = entries.filter(reduce(operator.or_, (procedure_search_filter(word) for word in words)))
    else:
        entries = entries.filter(procedure_search_filter(" ".join(words)))
    found = list(entries[:MAX_CANDIDATES])
    found.sort(key=lambda e: -_words_at_start_of_words(words, e.procedure.name))  # name matches first
    base = index.get_url(request)
    outcome.procedure_total = len(found)
    outcome.procedures_url = f"{base}?{urlencode({'q': query})}"
    outcome.procedures = [
        Hit(
            page=None,
            kind="Thủ tục",
            date=None,
            title=highlight(e.procedure.name, words),
            snippet=highlight(f"Lĩnh vực {e.procedure.field} · mã {e.procedure.code}", words),
            exact=e.procedure.code == compact,
            url=f"{base}{e.procedure.slug}/",
        )
        for e in found[:PROCEDURE_HITS]
    ]


def _words_at_start_of_words(words, text) -> int:
    folded = fold(text).lower()
    return sum(1 for word in words if re.search(r"(?<![a-z0-9])" + re.escape(word), folded))


def _exact_matches(scope, query: str) -> list[Page]:
    from pages.guidance.models import GuidingDocumentPage, number_key

    compact = query.replace(" ", "")
    if "/" in compact:
        return list(GuidingDocumentPage.objects.filter(pk__in=scope.values("pk"), number_key=number_key(compact)))
    return []


def _paginate(ids, page_number, words):
    paginator = Paginator(ids, PER_PAGE)
    try:
        current = paginator.page(page_number or 1)
    except PageNotAnInteger:
        current = paginator.page(1)
    except EmptyPage:
        current = paginator.page(paginator.num_pages)
    # One query per page type on this results page, not one per result.
    ids = list(current.object_list)
    specific = {page.pk: page for page in Page.objects.filter(pk__in=ids).specific()}
    current.object_list = [_hit(specific[pk], words) for pk in ids if pk in specific]
    return current


def _hit(page, words, exact=False) -> Hit:
    kind = KIND_LABELS.get(page._meta.model_name, "Trang")
    when = (
        getattr(page, "date", None)
        or getattr(page, "date_issued", None)
        or getattr(page, "posted_date", None)
        or page.last_published_at
    )
    return Hit(
        page=page,
        kind=kind,
        date=when,
        title=highlight(page.title, words),
        snippet=highlight(summary_text(page), words, SNIPPET_CHARS),
        exact=exact,
    )


def summary_text(page) -> str:
    if callable(getattr(page, "search_summary", None)):
        return page.search_summary()
    for name in SUMMARY_FIELDS:
        value = getattr(page, name, None)
        if value:
            return " ".join(strip_tags(str(value)).split())
    return ""


def highlight(text: str, words: list[str], width: int | None = None) -> SafeString:
    """Escape `text` and wrap every occurrence of a folded word in <mark>, diacritics or not.

    With `width`, cut to a window around the first match.
    """
    text = text or ""
    folded, origin = [], []
    for i, ch in enumerate(text):
        for f in fold(ch).lower():
            folded.append(f)
            origin.append(i)
    folded = "".join(folded)
    spans = []
    for word in words:
        for m in re.finditer(r"(?<![a-z0-9])" + re.escape(word), folded):
            spans.append((origin[m.start()], origin[m.end() - 1] + 1))
    spans = _merge(sorted(spans), text)

    start, end = 0, len(text)
    if width and len(text) > width:
        first = spans[0][0] if spans else 0
        start = max(0, first - width // 3)
        # Start at a word boundary, end within the width; but a long run without spaces (a pasted
        # link) before the match must not push the match out of the window.
        if start:
            boundary = text.rfind(" ", 0, start) + 1
            if first - boundary < width // 2:
                start = boundary
        end = min(len(text), start + width)
    out, cursor = [], start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(escape(text[cursor:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        cursor = e
    out.append(escape(text[cursor:end]))
    html = "".join(out)
    if start > 0:
        html = "… " + html
    if end < len(text):
        html = html + " …"
    return mark_safe(html)


def _merge(spans, text):
    """Overlapping spans, and spans only whitespace apart, become one mark."""
    merged = []
    for s, e in spans:
        if merged and (s <= merged[-1][1] or text[merged[-1][1] : s].isspace()):
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def search_communes(raw_query: str) -> tuple[str, list, str]:
    """On the portal: communes whose name matches, e.g. "dong dat" finds Xã Động Đạt."""
    from sites.models import Commune

    query, words, message = clean_query(raw_query)
    if not words:
        return query, [], message
    found = []
    # Practice sites of training workshops are not the public's to find.
    communes = Commune.objects.listed().select_related("province")
    for commune in communes:
        haystack = fold(f"{commune.full_name} {commune.province.name}").lower()
        if all(re.search(r"(?<![a-z0-9])" + re.escape(w), haystack) for w in words):
            found.append(commune)
    return query, found, message
