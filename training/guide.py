"""The trainee guide (docs/huong-dan-hoc-vien.md) as HTML for the admin page "Hướng dẫn học viên".

The guide is written in Markdown beside the officer guide and shows the same screenshots (docs/huong-dan/,
made by `make guide` in Chromium from the real admin). The pictures are static files under the prefix
``huong-dan/`` (cms/settings STATICFILES_DIRS), so the page, collectstatic and the PDF all use the one copy.
Each exercise of training.exercises has a section whose anchor is its ``guide`` field.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import markdown
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.views.generic import TemplateView
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from sites.text import vn_slugify

from .exercises import EXERCISES

DOCS = Path(settings.BASE_DIR) / "docs"
GUIDE_FILE = DOCS / "huong-dan-hoc-vien.md"
PICTURES_PREFIX = "huong-dan/"  # as written in the Markdown (relative to docs/) and as a static path


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str


@dataclass(frozen=True)
class Guide:
    title: str
    html: str  # the body, without the title
    sections: tuple[Section, ...]  # the second-level headings, in order: the table of contents
    pictures: tuple[str, ...]  # static paths of the screenshots ("huong-dan/05-tin-bai-tai-anh.png"), in order
    anchors: frozenset[str]  # every id in the body


class _GuideTree(Treeprocessor):
    """Points the screenshots at their static URLs and takes the title out of the body."""

    def __init__(self, md, found):
        super().__init__(md)
        self.found = found

    def run(self, root):
        for child in list(root):
            if child.tag == "h1" and "title" not in self.found:
                self.found["title"] = "".join(child.itertext()).strip()
                root.remove(child)
        for img in root.iter("img"):
            src = img.get("src", "")
            if src.startswith(PICTURES_PREFIX):
                self.found.setdefault("pictures", []).append(src)
                img.set("src", static(src))
                img.set("class", "hdhv-anh")
                size = _png_size(DOCS / src)
                if size:  # the page keeps its layout while pictures load, so a link to #section lands right
                    img.set("width", str(size[0]))
                    img.set("height", str(size[1]))
        for el in root.iter():
            if el.get("id"):
                self.found.setdefault("anchors", []).append(el.get("id"))


def _png_size(path: Path) -> tuple[int, int] | None:
    """Width and height from a PNG's header (IHDR), without opening the image."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(24)
    except OSError:
        return None
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


class _GuideExtension(Extension):
    def __init__(self, found):
        super().__init__()
        self.found = found

    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(_GuideTree(md, self.found), "xaso_guide", 1)  # after attr_list and toc


def _slugify(value: str, separator: str) -> str:
    """Headings without an explicit {#id} get a plain ASCII anchor: "Khi gặp khó" -> "khi-gap-kho"."""
    return vn_slugify(value) or "muc"


def render(text: str) -> Guide:
    """Markdown text of a guide -> Guide (HTML body, contents, screenshots)."""
    found: dict = {}
    md = markdown.Markdown(
        extensions=["attr_list", "fenced_code", "sane_lists", "toc", _GuideExtension(found)],
        extension_configs={"toc": {"slugify": _slugify, "toc_depth": "2-3"}},
        output_format="html",
    )
    html = md.convert(text)
    sections = tuple(Section(t["id"], t["name"]) for t in _level(md.toc_tokens, 2))
    return Guide(
        title=found.get("title", "Hướng dẫn học viên"),
        html=html,
        sections=sections,
        pictures=tuple(found.get("pictures", ())),
        anchors=frozenset(found.get("anchors", ())),
    )


def _level(tokens, level):
    for token in tokens:
        if token["level"] == level:
            yield token
        yield from _level(token["children"], level)


@lru_cache(maxsize=4)
def _rendered(path: str, mtime_ns: int) -> Guide:
    return render(Path(path).read_text(encoding="utf-8"))


def trainee_guide() -> Guide:
    """The trainee guide, rendered once per change of the file."""
    return _rendered(str(GUIDE_FILE), GUIDE_FILE.stat().st_mtime_ns)


def guide_url(kind: str | None = None) -> str:
    """The admin guide page, at the section of one exercise when a kind is given."""
    url = reverse("xaso_trainee_guide")
    spec = EXERCISES.get(kind) if kind else None
    return f"{url}#{spec.guide}" if spec and spec.guide else url


def exercise_sections(kinds=None) -> list[dict]:
    """[{kind, title, hint, anchor}] for these exercise kinds (all, in registry order, by default)."""
    kinds = list(EXERCISES) if kinds is None else [k for k in kinds if k in EXERCISES]
    return [
        {"kind": k, "title": EXERCISES[k].title, "hint": EXERCISES[k].hint, "anchor": EXERCISES[k].guide} for k in kinds
    ]


class TraineeGuideView(WagtailAdminTemplateMixin, TemplateView):
    """The guide for every signed-in admin user: trainees see their workshop's exercises on top."""

    template_name = "training/guide.html"
    page_title = "Hướng dẫn học viên"
    header_icon = "help"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        from .models import Trainee

        context = super().get_context_data(**kwargs)
        trainee = Trainee.objects.filter(user=self.request.user).select_related("workshop").first()
        workshop = trainee.workshop if trainee else None
        kinds = list(workshop.exercises.values_list("kind", flat=True)) if workshop else None
        context.update(guide=trainee_guide(), workshop=workshop, exercises=exercise_sections(kinds))
        return context
