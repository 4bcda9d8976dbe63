"""Wagtail's database search backend, made blind to Vietnamese diacritics.

SQLite's FTS5 tokenizer keeps two-mark vowels (ấ, ộ) and neither FTS5 nor PostgreSQL's
default configuration folds đ, so "dang ky khai sinh" would never find "Đăng ký khai sinh".
Both sides are folded with the product's one rule (`sites.text.fold`): the text written to
the index and every query string. The same backend serves the public search and every admin
search (pages, images, documents, snippets), on SQLite and PostgreSQL alike.

After changing how text is folded, run `python manage.py update_index`.
"""

import contextlib
import copy
import functools
from contextvars import ContextVar

from django.db import connection
from modelsearch.query import SearchQuery

from sites.text import fold


def fold_text(value: str) -> str:
    return fold(value).lower()


def fold_query(query):
    """A copy of a search query (string or query tree) with every query string folded."""
    if isinstance(query, str):
        return fold_text(query)
    if not isinstance(query, SearchQuery):
        return query
    query = copy.copy(query)
    if isinstance(getattr(query, "query_string", None), str):
        query.query_string = fold_text(query.query_string)
    if getattr(query, "subqueries", None):
        query.subqueries = [fold_query(sub) for sub in query.subqueries]
    for name in ("subquery", "subquery_a", "subquery_b"):
        if getattr(query, name, None) is not None:
            setattr(query, name, fold_query(getattr(query, name)))
    return query


def _folding_indexer(base):
    class FoldingObjectIndexer(base):
        def prepare_value(self, value):
            return fold_text(super().prepare_value(value))

    return FoldingObjectIndexer


# While set, the indexes whose title norms wait for one refresh at the end of title_norms_deferred().
_pending_norms: ContextVar[dict | None] = ContextVar("xaso_pending_title_norms", default=None)


@contextlib.contextmanager
def title_norms_deferred():
    """Refresh title norms once on leaving, not after every indexed object.

    modelsearch recomputes the norms (average title length over the whole index) after each object it
    indexes: two scans of the index table per saved page, so creating many pages costs more the bigger
    the index is. New entries keep title_norm = 1.0, which modelsearch itself reads as "not computed
    yet", so if this block is interrupted the next refresh (any indexed save) fixes them. Nested blocks
    leave the refresh to the outermost.
    """
    if _pending_norms.get() is not None:
        yield
        return
    pending: dict = {}
    token = _pending_norms.set(pending)
    try:
        yield
    finally:
        _pending_norms.reset(token)
    for index in pending.values():
        index.refresh_title_norms_now()


def _deferring_index(base):
    class DeferringIndex(base):
        def _refresh_title_norms(self, full=False):
            pending = _pending_norms.get()
            if pending is None or full:
                return super()._refresh_title_norms(full)
            pending.setdefault(type(self), self)

        def refresh_title_norms_now(self):
            super()._refresh_title_norms()

    return DeferringIndex


def _folding_compiler(base):
    class FoldingCompiler(base):
        def __init__(self, queryset, query, *args, **kwargs):
            super().__init__(queryset, fold_query(query), *args, **kwargs)

    return FoldingCompiler


# Each backend module is imported only on its own database: the SQLite one needs a model that
# exists only when SQLite is the database.
@functools.cache
def backend_class(vendor: str):
    if vendor == "postgresql":
        from modelsearch.backends.database.postgres import postgres as module

        base, compiler, autocomplete = (
            module.PostgresSearchBackend,
            module.PostgresSearchQueryCompiler,
            module.PostgresAutocompleteQueryCompiler,
        )
    elif vendor == "sqlite":
        from modelsearch.backends.database.sqlite import sqlite as module

        base, compiler, autocomplete = (
            module.SQLiteSearchBackend,
            module.SQLiteSearchQueryCompiler,
            module.SQLiteAutocompleteQueryCompiler,
        )
    else:
        raise NotImplementedError("Xã Số chạy trên SQLite hoặc PostgreSQL.")
    # The index class builds its indexer by the module-level name `ObjectIndexer`; pointing that
    # name at the folding subclass is the one seam modelsearch offers for the indexed text.
    module.ObjectIndexer = _folding_indexer(module.ObjectIndexer)

    class FoldingBackend(base):
        query_compiler_class = _folding_compiler(compiler)
        autocomplete_query_compiler_class = _folding_compiler(autocomplete)
        index_class = _deferring_index(base.index_class)

        def __init__(self, params):
            if vendor == "postgresql":
                # Folded text is plain ASCII; English stemming and stop words ("an", "do", "to")
                # would drop Vietnamese syllables.
                params = {"SEARCH_CONFIG": "simple", **params}
            super().__init__(params)

    return FoldingBackend


def SearchBackend(params):
    """WAGTAILSEARCH_BACKENDS entry point: the folding backend for the connected database."""
    return backend_class(connection.vendor)(params)
