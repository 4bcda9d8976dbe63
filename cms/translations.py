"""The Vietnamese admin catalogue: which upstream catalogues it covers, and how it is kept in step.

Django reads LOCALE_PATHS after every app's own catalogue, so one project file
(`locale/vi/LC_MESSAGES/django.po`, and `djangojs.po` for the admin's scripts)
overrides Wagtail's partial Vietnamese translation string by string. The sources
of truth for *which* strings exist are the English catalogues each package ships.
The project's own apps are written in Vietnamese in the code, so they need no
catalogue.
"""

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

# Every package whose strings an officer or a province admin can meet.
CATALOGUES = [
    ("wagtail.admin", "django"),
    ("wagtail.admin", "djangojs"),
    ("wagtail", "django"),
    ("wagtail.documents", "django"),
    ("wagtail.images", "django"),
    ("wagtail.snippets", "django"),
    ("wagtail.users", "django"),
    ("wagtail.sites", "django"),
    ("wagtail.search", "django"),
    ("wagtail.embeds", "django"),
    ("wagtail.contrib.forms", "django"),
    ("wagtail.contrib.redirects", "django"),
    ("wagtail.contrib.settings", "django"),
    ("wagtailmedia", "django"),
    ("django.conf", "django"),  # form validation messages, dates
    ("django.contrib.auth", "django"),  # login, password reset
    ("django.contrib.contenttypes", "django"),
    ("django.contrib.humanize", "django"),  # relative times
]

DOMAINS = ("django", "djangojs")


def project_catalogue(domain):
    return Path(settings.LOCALE_PATHS[0]) / "vi" / "LC_MESSAGES" / f"{domain}.po"


def package_dir(package):
    return Path(importlib.util.find_spec(package).submodule_search_locations[0])


def upstream_catalogue(package, domain, language):
    path = package_dir(package) / "locale" / language / "LC_MESSAGES" / f"{domain}.po"
    return path if path.exists() else None


def key(entry):
    return (entry.msgctxt or "", entry.msgid)


def is_translated(entry):
    if entry.obsolete or "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


@dataclass
class Coverage:
    package: str
    domain: str
    total: int
    translated: int
    missing: list

    @property
    def percent(self):
        return 100.0 * self.translated / self.total if self.total else 100.0


def source_entries(package, domain):
    import polib

    path = upstream_catalogue(package, domain, "en")
    if path is None:
        return []
    return [e for e in polib.pofile(str(path)) if e.msgid and not e.obsolete]


def coverage(allowlist=frozenset()):
    """Per upstream catalogue: how many of its strings the project catalogue translates."""
    import polib

    ours = {}
    for domain in DOMAINS:
        path = project_catalogue(domain)
        if path.exists():
            ours[domain] = {key(e): e for e in polib.pofile(str(path)) if is_translated(e)}
    result = []
    for package, domain in CATALOGUES:
        entries = source_entries(package, domain)
        done = ours.get(domain, {})
        missing = [e.msgid for e in entries if key(e) not in done and e.msgid not in allowlist]
        result.append(Coverage(package, domain, len(entries), len(entries) - len(missing), missing))
    return result


def sync(domain):
    """Rebuild the project catalogue for `domain` from the upstream sources.

    Keeps every translation the project already has, takes upstream Vietnamese
    for new strings (flagged for review), and drops strings no package uses.
    Returns (total, translated).
    """
    import polib

    path = project_catalogue(domain)
    ours = {key(e): e for e in polib.pofile(str(path))} if path.exists() else {}
    out = polib.POFile(wrapwidth=0)
    out.metadata = {
        "Project-Id-Version": "Xa So",
        "PO-Revision-Date": "2026-11-24 00:00+0700",
        "Last-Translator": "Xa So <xaso@localhost>",
        "Language-Team": "Vietnamese (docs/glossary.md)",
        "Language": "vi",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    seen = set()
    for package, dom in CATALOGUES:
        if dom != domain:
            continue
        upstream = {}
        vi_path = upstream_catalogue(package, domain, "vi")
        if vi_path:
            upstream = {key(e): e for e in polib.pofile(str(vi_path)) if is_translated(e)}
        for src in source_entries(package, domain):
            k = key(src)
            if k in seen:
                continue
            seen.add(k)
            entry = polib.POEntry(
                msgid=src.msgid,
                msgctxt=src.msgctxt,
                msgid_plural=src.msgid_plural,
                occurrences=[(f"{package}:{f}", line) for f, line in src.occurrences[:3]],
                flags=[f for f in src.flags if f != "fuzzy"],
                comment=src.comment,
            )
            mine, theirs = ours.get(k), upstream.get(k)
            if mine is not None and (is_translated(mine) or not theirs):
                entry.msgstr, entry.msgstr_plural = mine.msgstr, dict(mine.msgstr_plural)
                entry.tcomment = mine.tcomment
                if "fuzzy" in mine.flags:
                    entry.flags.append("fuzzy")
            elif theirs is not None:
                entry.msgstr, entry.msgstr_plural = theirs.msgstr, dict(theirs.msgstr_plural)
                entry.tcomment = "upstream"
            elif src.msgid_plural:
                entry.msgstr_plural = {0: ""}
            out.append(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    out.save(str(path))
    return len(out), len([e for e in out if is_translated(e)])
