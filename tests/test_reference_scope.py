"""Ids inside rich text and StreamField values are checked against the user's commune on save.

A crafted POST can put any id into a rich-text link, an embedded image or a chooser block: the admin
choosers are scoped, the stored value is not. Each test posts the real Wagtail admin URL the way the
browser does and proves both sides: another commune's id is refused (the form comes back with the
Vietnamese error, nothing of B is shown, nothing is stored) and the user's own id is saved.
"""

import html
import json
import re

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page
from wagtail.rich_text import RichText
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from media.models import CommuneDocument, CommuneImage
from pages.blocks import RICH_TEXT_FEATURES
from pages.models import StandardPage
from pages.news.models import ArticlePage, NewsIndexPage
from pages.procedures.admin_views import catalogue_url
from pages.procedures.models import Procedure
from sites.references import REFERENCE_REFUSED, foreign_references
from tests.factories import make_superuser
from tests.factories_procedures import add_catalogue_procedure, paper
from tests.test_procedures_admin import birth_record, procedure_form_data

REFUSED = str(REFERENCE_REFUSED)


# --- Data --------------------------------------------------------------------------------------


def make_targets(commune, marker):
    """A page, an image and a document of the commune; every title, slug and file name carries marker."""
    slug = marker.lower()
    about = commune.home_page.get_children().get(slug="gioi-thieu")
    page = about.add_child(instance=StandardPage(title=f"{marker}-trang", slug=f"{slug}-trang"))
    image = CommuneImage.objects.create(
        title=f"{marker}-anh", file=get_test_image_file(filename=f"{slug}-anh.png"), collection=commune.collection
    )
    document = CommuneDocument.objects.create(
        title=f"{marker}-tai-lieu",
        file=ContentFile(b"%PDF-1.4 thu", name=f"{slug}-tai-lieu.pdf"),
        collection=commune.collection,
    )
    return {"page": page, "image": image, "document": document}


@pytest.fixture
def own(commune_a):
    return make_targets(commune_a, "AMARKER")


@pytest.fixture
def foreign(commune_b):
    return make_targets(commune_b, "BMARKER")


@pytest.fixture
def sibling(commune_a2):
    """Content of another commune of A's own province."""
    return make_targets(commune_a2, "CMARKER")


def client_for(user, commune=None):
    client = Client(HTTP_HOST=commune.hostname if commune else "localhost")
    client.force_login(user)
    return client


def text_of(response) -> str:
    """The page as a person could read it: HTML escapes undone, and the JSON the editors start from
    (StreamField state and errors, rich-text content) decoded, so Vietnamese text in it can be found."""
    body = response.content.decode()
    soup = BeautifulSoup(body, "html.parser")
    decoded = [tag["data-w-block-arguments-value"] for tag in soup.select("[data-w-block-arguments-value]")]
    decoded += [tag.get("value", "") for tag in soup.select("input[data-draftail-input]")]
    return html.unescape(body) + "".join(json.dumps(json.loads(v), ensure_ascii=False) for v in decoded if v)


def standard_page(commune) -> StandardPage:
    return StandardPage.objects.get(path__startswith=commune.home_page.path, slug="dieu-kien-tu-nhien")


def news_index(commune) -> NewsIndexPage:
    return NewsIndexPage.objects.descendant_of(commune.home_page).get()


def make_article(commune, title="Tin của xã") -> ArticlePage:
    page = ArticlePage(title=title, slug="tin-cua-xa", summary="Tóm tắt.", date=timezone.now())
    news_index(commune).add_child(instance=page)
    return page


# --- Rich text and StreamField values naming an object ----------------------------------------
# Each returns (field name, POST value) for a kind of reference to target (a dict from make_targets).


def rich_page_link(t):
    return "body", rich_text(f'<p>Xem <a linktype="page" id="{t["page"].pk}">trang</a>.</p>')


def rich_document_link(t):
    return "body", rich_text(f'<p>Tải <a linktype="document" id="{t["document"].pk}">tệp</a>.</p>')


def rich_image_embed(t):
    return "body", rich_text(f'<p>Ảnh:</p><embed embedtype="image" id="{t["image"].pk}" format="fullwidth" alt="ảnh"/>')


RICH_TEXT_REFERENCES = {"page-link": rich_page_link, "document-link": rich_document_link, "image": rich_image_embed}


def stream_image(t):
    return "image", {"image": str(t["image"].pk), "caption": "", "alt_text": "Ảnh"}


def stream_document(t):
    return "document", {"document": str(t["document"].pk), "title": ""}


def stream_paragraph_link(t):
    page, document = t["page"].pk, t["document"].pk
    html_ = f'<p>Xem <a linktype="page" id="{page}">trang</a> và <a linktype="document" id="{document}">tệp</a>.</p>'
    return "paragraph", rich_text(html_, features=RICH_TEXT_FEATURES)


# The image and document choosers sit inside a StructBlock (ImageBlock, DocumentBlock) of the stream.
STREAM_REFERENCES = {"image-block": stream_image, "document-block": stream_document, "paragraph": stream_paragraph_link}


def standard_page_data(page, body) -> dict:
    return nested_form_data(
        {"title": page.title, "slug": page.slug, "intro": "", "body": body, "comments": inline_formset([])}
    )


def article_data(title, slug, blocks) -> dict:
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "summary": "Tóm tắt tin.",
            "date": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
            "body": streamfield(blocks),
            "related_links": inline_formset([]),
            "comments": inline_formset([]),
        }
    )


def latest_content(page) -> str:
    """The page's latest revision, as stored."""
    page.refresh_from_db()
    return str(page.get_latest_revision().content)


def stored_ids(content: str, target) -> bool:
    """True if the stored content names target's id in a reference (rich-text tag or chooser block)."""
    pk = str(target.pk)
    return bool(re.search(rf'id=\\*"{pk}\\*"|["\'](image|document)["\']: {pk}\b', content))


def assert_refused(response, page_text_leaks=("BMARKER", "bmarker")):
    assert response.status_code == 200, response.get("Location")
    body = text_of(response)
    assert REFUSED in body
    found = [leak for leak in page_text_leaks if leak in body]
    assert not found, f"the error page shows {found}"


# --- Officers: rich text ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(RICH_TEXT_REFERENCES))
def test_officer_cannot_save_rich_text_naming_another_communes_object(kind, commune_a, editor_a, own, foreign):
    page = standard_page(commune_a)
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    client = client_for(editor_a, commune_a)
    before = page.get_latest_revision()
    field, value = RICH_TEXT_REFERENCES[kind](foreign)

    assert_refused(client.post(url, standard_page_data(page, value)))
    page.refresh_from_db()
    assert page.get_latest_revision() == before
    assert "linktype" not in page.body and "embedtype" not in page.body

    field, value = RICH_TEXT_REFERENCES[kind](own)
    response = client.post(url, standard_page_data(page, value))
    assert response.status_code == 302, text_of(response)[:3000]
    content = latest_content(page)
    target = {"page-link": "page", "document-link": "document", "image": "image"}[kind]
    assert stored_ids(content, own[target])


def test_officer_cannot_link_a_page_of_a_sibling_commune_of_the_same_province(commune_a, editor_a, own, sibling):
    page = standard_page(commune_a)
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    response = client_for(editor_a, commune_a).post(url, standard_page_data(page, rich_page_link(sibling)[1]))
    assert_refused(response, ("CMARKER", "cmarker"))


def test_refused_rich_text_comes_back_without_the_foreign_links(commune_a, editor_a, own, foreign):
    """The editor shows what was typed, minus the other commune's objects; the own link stays."""
    page = standard_page(commune_a)
    body = rich_text(
        f'<p><a linktype="page" id="{own["page"].pk}">của mình</a> <a linktype="page" id="{foreign["page"].pk}">'
        f'của xã khác</a></p><embed embedtype="image" id="{foreign["image"].pk}" format="fullwidth" alt="x"/>'
    )
    response = client_for(editor_a, commune_a).post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]), standard_page_data(page, body)
    )
    assert_refused(response)
    text = text_of(response)
    assert "amarker-trang" in text  # the own page's link is kept, with its address
    assert "của xã khác" in text  # the words stay, as plain text


# --- Officers: StreamField ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(STREAM_REFERENCES))
def test_officer_cannot_save_an_article_body_naming_another_communes_object(kind, commune_a, editor_a, own, foreign):
    article = make_article(commune_a)
    url = reverse("wagtailadmin_pages:edit", args=[article.pk])
    client = client_for(editor_a, commune_a)
    before = article.get_latest_revision()

    response = client.post(url, article_data(article.title, article.slug, [STREAM_REFERENCES[kind](foreign)]))
    assert_refused(response)
    article.refresh_from_db()
    assert article.get_latest_revision() == before
    assert len(article.body) == 0

    response = client.post(url, article_data(article.title, article.slug, [STREAM_REFERENCES[kind](own)]))
    assert response.status_code == 302, text_of(response)[:3000]
    content = latest_content(article)
    if kind == "image-block":
        assert stored_ids(content, own["image"])
    elif kind == "document-block":
        assert stored_ids(content, own["document"])
    else:
        assert stored_ids(content, own["page"]) and stored_ids(content, own["document"])


def test_officer_cannot_create_an_article_with_another_communes_image(commune_a, editor_a, own, foreign):
    index = news_index(commune_a)
    url = reverse("wagtailadmin_pages:add", args=["news", "articlepage", index.pk])
    client = client_for(editor_a, commune_a)
    blocks = [("paragraph", rich_text("<p>Mở đầu</p>", features=RICH_TEXT_FEATURES)), stream_image(foreign)]

    assert_refused(client.post(url, article_data("Tin mới", "tin-moi", blocks)))
    assert not Page.objects.filter(slug="tin-moi").exists()

    blocks[1] = stream_image(own)
    response = client.post(url, article_data("Tin mới", "tin-moi", blocks))
    assert response.status_code == 302, text_of(response)[:3000]
    assert stored_ids(latest_content(ArticlePage.objects.get(slug="tin-moi")), own["image"])


def test_one_foreign_block_among_many_refuses_the_whole_body(commune_a, editor_a, own, foreign):
    article = make_article(commune_a)
    blocks = [stream_image(own)] * 3 + [stream_document(own), stream_document(foreign), stream_paragraph_link(own)]
    response = client_for(editor_a, commune_a).post(
        reverse("wagtailadmin_pages:edit", args=[article.pk]), article_data(article.title, article.slug, blocks)
    )
    assert_refused(response)
    assert "AMARKER-anh" in text_of(response)  # the own images are shown back, chosen


# --- Province admins and operators ------------------------------------------------------------------


def test_province_admin_may_use_any_commune_of_their_province_but_not_another_province(
    commune_a, province_admin_a, own, sibling, foreign
):
    page = standard_page(commune_a)
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    client = client_for(province_admin_a)
    assert_refused(client.post(url, standard_page_data(page, rich_image_embed(foreign)[1])))
    response = client.post(url, standard_page_data(page, rich_image_embed(sibling)[1]))
    assert response.status_code == 302, text_of(response)[:3000]
    assert stored_ids(latest_content(page), sibling["image"])


def test_operator_is_not_restricted(commune_a, own, foreign):
    operator = make_superuser()
    article = make_article(commune_a)
    response = client_for(operator).post(
        reverse("wagtailadmin_pages:edit", args=[article.pk]),
        article_data(article.title, article.slug, [stream_image(foreign), stream_paragraph_link(foreign)]),
    )
    assert response.status_code == 302, text_of(response)[:3000]
    content = latest_content(article)
    assert stored_ids(content, foreign["image"]) and stored_ids(content, foreign["page"])


# --- Nested ListBlock inside a StructBlock: the province catalogue's dossier forms --------------------


def dossier_with_form(document) -> dict:
    record = birth_record()
    record["dossier"] = [{"case": "", "papers": [paper("Tờ khai", form=document.pk), paper("Giấy tờ tùy thân")]}]
    return record


def catalogue_data(record) -> dict:
    data = procedure_form_data(record)
    form = record["dossier"][0]["papers"][0]["form"]
    data["dossier-0-value-papers-0-value-form"] = str(form)
    return data


def test_province_admin_cannot_attach_another_provinces_file_to_a_catalogue_form(
    commune_a, province_admin_a, own, foreign
):
    procedure = add_catalogue_procedure(commune_a.province)
    url = catalogue_url("edit", procedure.pk)
    client = client_for(province_admin_a)

    response = client.post(url, catalogue_data(dossier_with_form(foreign["document"])))
    assert_refused(response)
    procedure.refresh_from_db()
    assert str(foreign["document"].pk) not in str(procedure.dossier.raw_data)

    # The province's own files (the catalogue shows on every commune's site) and its communes' are allowed.
    province_file = CommuneDocument.objects.create(
        title="Tờ khai mẫu của tỉnh",
        file=ContentFile(b"%PDF-1.4 thu", name="to-khai-tinh.pdf"),
        collection=commune_a.province.collection,
    )
    for allowed in (province_file, own["document"]):
        response = client.post(url, catalogue_data(dossier_with_form(allowed)))
        assert response.status_code == 302, text_of(response)[:3000]
        procedure.refresh_from_db()
        assert procedure.dossier[0].value["papers"][0]["form"] == allowed


def test_operator_may_attach_any_file_to_a_catalogue_form(commune_a, foreign):
    procedure = add_catalogue_procedure(commune_a.province)
    response = client_for(make_superuser()).post(
        catalogue_url("edit", procedure.pk), catalogue_data(dossier_with_form(foreign["document"]))
    )
    assert response.status_code == 302, text_of(response)[:3000]
    procedure.refresh_from_db()
    assert procedure.dossier[0].value["papers"][0]["form"] == foreign["document"]


# --- Workflow: the approver re-saves the page ----------------------------------------------------------


def test_approver_of_the_same_commune_approves_a_page_with_its_own_references(commune_a, editor_a, approver_a, own):
    article = make_article(commune_a)
    url = reverse("wagtailadmin_pages:edit", args=[article.pk])
    blocks = [stream_image(own), stream_paragraph_link(own)]
    submit = article_data(article.title, article.slug, blocks) | {"action-submit": "Gửi duyệt"}
    assert client_for(editor_a, commune_a).post(url, submit).status_code == 302
    article.refresh_from_db()
    assert article.current_workflow_state is not None

    approve = article_data(article.title, article.slug, blocks) | {
        "action-workflow-action": "true",
        "workflow-action-name": "approve",
    }
    response = client_for(approver_a, commune_a).post(url, approve)
    assert response.status_code == 302, text_of(response)[:3000]
    article.refresh_from_db()
    assert article.live and article.has_unpublished_changes is False
    assert article.body[0].value["image"] == own["image"]


# --- Cost: one query per kind of object, not per id ---------------------------------------------------


def many_references(targets_list) -> str:
    parts = []
    for t in targets_list:
        parts.append(
            f'<p><a linktype="page" id="{t["page"].pk}">t</a> <a linktype="document" id="{t["document"].pk}">d</a></p>'
        )
        parts.append(f'<embed embedtype="image" id="{t["image"].pk}" format="fullwidth" alt="a"/>')
    return "".join(parts)


def test_checking_references_costs_the_same_for_3_or_60_ids(commune_a, editor_a):
    few = [make_targets(commune_a, "AMARKER")]
    many = few + [make_targets(commune_a, f"AMARKER{n}") for n in range(19)]
    page = standard_page(commune_a)
    form_class = StandardPage.get_edit_handler().get_form_class()

    def queries_to_validate(targets_list) -> int:
        editor = type(editor_a).objects.get(pk=editor_a.pk)  # no scope cached from an earlier run
        data = standard_page_data(page, rich_text(many_references(targets_list)))
        form = form_class(data, instance=page, parent_page=page.get_parent(), for_user=editor)
        with CaptureQueriesContext(connection) as queries:
            assert form.is_valid(), form.errors
        return len(queries)

    assert queries_to_validate(many) == queries_to_validate(few)


def test_foreign_references_asks_once_per_model(commune_a, commune_b, editor_a, django_assert_max_num_queries):
    own = [make_targets(commune_a, f"AMARKER{n}") for n in range(10)]
    other = [make_targets(commune_b, f"BMARKER{n}") for n in range(10)]
    keys = {
        (model, str(t[name].pk))
        for t in own + other
        for name, model in (("page", Page), ("image", CommuneImage), ("document", CommuneDocument))
    }
    editor = type(editor_a).objects.get(pk=editor_a.pk)
    # 3 kinds: one query each, plus the user's scope (groups, communes, provinces), page roots and collections.
    with django_assert_max_num_queries(12):  # 10 today; 60 ids would be 60+ if asked one by one
        refused = foreign_references(editor, keys)
    assert refused == {
        (model, str(t[name].pk))
        for t in other
        for name, model in (("page", Page), ("image", CommuneImage), ("document", CommuneDocument))
    }


def test_catalogue_procedure_of_the_own_province_is_allowed_and_another_provinces_refused(
    commune_a, commune_b, editor_a
):
    own_procedure = add_catalogue_procedure(commune_a.province, "Đăng ký khai sinh", "1.001193")
    other_procedure = add_catalogue_procedure(commune_b.province, "Đăng ký khai sinh", "1.001193")
    keys = {(Procedure, str(own_procedure.pk)), (Procedure, str(other_procedure.pk))}
    assert foreign_references(editor_a, keys) == {(Procedure, str(other_procedure.pk))}


def test_a_snippet_of_another_commune_is_refused(commune_a, commune_b, editor_a):
    from pages.news.models import NewsCategory

    own_category = NewsCategory.objects.create(commune=commune_a, name="Thông báo")
    other_category = NewsCategory.objects.create(commune=commune_b, name="Thông báo")
    keys = {(NewsCategory, str(own_category.pk)), (NewsCategory, str(other_category.pk)), (NewsCategory, "abc")}
    assert foreign_references(editor_a, keys) == {(NewsCategory, str(other_category.pk)), (NewsCategory, "abc")}


def test_an_id_that_no_longer_exists_is_a_broken_link_not_a_refusal(commune_a, editor_a, own):
    missing = own["page"].pk + 10_000
    assert foreign_references(editor_a, {(Page, str(missing))}) == set()


# --- Public site: ids stored earlier (before this check, or by a script) --------------------------------


def publish_body(page, body):
    page.body = body
    page.save_revision().publish()


def test_public_page_never_renders_another_communes_image_or_links_stored_earlier(commune_a, own, foreign):
    page = standard_page(commune_a)
    publish_body(page, many_references([own, foreign]))
    portal_path = f"/{commune_a.province.slug}/{commune_a.slug}/gioi-thieu/dieu-kien-tu-nhien/"
    for host, url in ((commune_a.hostname, "/gioi-thieu/dieu-kien-tu-nhien/"), ("localhost", portal_path)):
        response = Client(HTTP_HOST=host).get(url)
        assert response.status_code == 200, (host, url)
        body = text_of(response)
        assert "bmarker" not in body.lower(), (host, url)
        # The commune's own objects still render: page link, document link and picture.
        assert "/amarker-trang/" in body and "/amarker-tai-lieu" in body and "/amarker-anh" in body, (host, url)
        assert body.count("<a>") == 2 and '<img alt="">' in body  # B's links and picture, emptied


def test_rich_text_outside_a_page_view_is_rendered_as_stored(commune_a, foreign):
    from wagtail.rich_text import expand_db_html

    Client(HTTP_HOST=commune_a.hostname).get("/")  # a page view earlier in the same thread leaves nothing behind
    rendered = expand_db_html(f'<a linktype="page" id="{foreign["page"].pk}">x</a>')
    assert "bmarker-trang" in rendered


def test_rich_text_inside_an_article_body_is_filtered_the_same(commune_a, own, foreign):
    article = make_article(commune_a)
    links = "".join(
        f'<p><a linktype="page" id="{t["page"].pk}">x</a><a linktype="document" id="{t["document"].pk}">y</a></p>'
        for t in (own, foreign)
    )
    article.body = [("paragraph", RichText(links))]
    article.save_revision().publish()
    article.refresh_from_db()
    body = text_of(Client(HTTP_HOST=commune_a.hostname).get(article.get_url()))
    assert "/amarker-trang/" in body and "/amarker-tai-lieu" in body
    assert "bmarker" not in body.lower()
