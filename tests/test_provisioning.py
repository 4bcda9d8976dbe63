import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    GroupSitePermission,
    Page,
    PageLogEntry,
    Site,
    Workflow,
    WorkflowPage,
)

from pages.models import CommuneHomePage
from pages.sections import STANDARD_SECTIONS
from sites import services
from sites.models import Commune
from tests.factories import CommuneFactory


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Commune,
            Site,
            Page,
            Group,
            Collection,
            GroupPagePermission,
            GroupCollectionPermission,
            GroupSitePermission,
            Workflow,
            WorkflowPage,
        )
    }


def test_provisioning_creates_site_tree_collection_groups_and_workflow(commune_a):
    commune = Commune.objects.get(pk=commune_a.pk)
    assert commune.slug == "dong-dat"
    assert commune.hostname == "dongdat.thainguyen.gov.vn"
    assert commune.site.hostname == commune.hostname
    assert commune.site.root_page_id == commune.home_page_id
    assert isinstance(commune.home_page.specific, CommuneHomePage)
    assert commune.home_page.title == "Xã Động Đạt"
    assert commune.home_page.url_path == "/cong-thong-tin/thai-nguyen/dong-dat/"
    sections = list(commune.home_page.get_children().values_list("slug", flat=True))
    assert sections == [s.slug for s in STANDARD_SECTIONS]
    assert commune.collection.get_parent() == commune.province.collection
    assert commune.editors_group.name.startswith("Biên tập viên – Xã Động Đạt")
    assert commune.approvers_group.name.startswith("Lãnh đạo phê duyệt – Xã Động Đạt")
    # Page rights on the commune's own subtree only.
    assert set(GroupPagePermission.objects.filter(group=commune.editors_group).values_list("page_id", flat=True)) == {
        commune.home_page_id
    }
    editor_codenames = set(
        GroupPagePermission.objects.filter(group=commune.editors_group).values_list("permission__codename", flat=True)
    )
    assert editor_codenames == {"add_page", "change_page"}
    assert "publish_page" in set(
        GroupPagePermission.objects.filter(group=commune.approvers_group).values_list("permission__codename", flat=True)
    )
    assert set(
        GroupCollectionPermission.objects.filter(group=commune.editors_group).values_list("collection_id", flat=True)
    ) == {commune.collection_id}
    assert set(GroupSitePermission.objects.filter(group=commune.editors_group).values_list("site_id", flat=True)) == {
        commune.site_id
    }
    # Editor submits, approver publishes.
    assert WorkflowPage.objects.get(page=commune.home_page).workflow == commune.workflow
    task = commune.workflow.tasks.get().specific
    assert list(task.groups.all()) == [commune.approvers_group]


def test_provisioning_twice_changes_nothing(commune_a):
    before = _counts()
    again = services.commune_create(province=commune_a.province, name="Động Đạt")
    assert again.pk == commune_a.pk
    assert _counts() == before


def test_provisioning_completes_a_half_made_commune(commune_a):
    """A commune row whose site and groups are missing (an old interrupted run) is finished, not duplicated."""
    Site.objects.filter(pk=commune_a.site_id).delete()
    commune_a.refresh_from_db()
    assert commune_a.site is None
    services.commune_create(province=commune_a.province, name="Động Đạt")
    commune_a.refresh_from_db()
    assert commune_a.site.root_page_id == commune_a.home_page_id
    assert Commune.objects.filter(slug="dong-dat").count() == 1


def test_failure_half_way_leaves_nothing(province_a, monkeypatch):
    before = _counts()

    def explode(commune):
        raise RuntimeError("sự cố giữa chừng")

    monkeypatch.setattr(services, "_ensure_workflow", explode)
    with pytest.raises(RuntimeError):
        services.commune_create(province=province_a, name="Tân Cương")
    assert _counts() == before
    assert not Site.objects.filter(hostname="tancuong.thainguyen.gov.vn").exists()


def test_two_communes_named_tan_phu_in_different_provinces(province_a, province_b):
    a = services.commune_create(province=province_a, name="Tân Phú")
    b = services.commune_create(province=province_b, name="Tân Phú")
    assert a.slug == b.slug == "tan-phu"
    assert a.hostname == "tanphu.thainguyen.gov.vn"
    assert b.hostname == "tanphu.quangngai.gov.vn"
    assert a.address == "thai-nguyen/tan-phu"
    with pytest.raises(services.ServiceError, match="thai-nguyen/tan-phu"):
        services.resolve_commune("tan-phu")
    assert services.resolve_commune("quang-ngai/tan-phu") == b


def test_hostname_in_use_is_refused(commune_a, province_b):
    with pytest.raises(services.ServiceError, match="đã được dùng"):
        services.commune_create(province=province_b, name="Khác", hostname=commune_a.hostname)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"name": ""}, "Thiếu tên"),
        ({"name": "Hợp Lệ", "kind": "huyện"}, "Loại đơn vị"),
        ({"name": "Hợp Lệ", "hostname": "không hợp lệ"}, "không hợp lệ"),
        ({"name": "Hợp Lệ", "code": "abc"}, "chỉ được gồm chữ số"),
        ({"name": "!!!"}, "không có chữ cái"),
    ],
)
def test_bad_commune_input_gets_vietnamese_message_and_writes_nothing(province_a, kwargs, message):
    before = _counts()
    with pytest.raises(services.ServiceError, match=message):
        services.commune_create(province=province_a, **kwargs)
    assert _counts() == before


def test_archiving_unpublishes_the_site_and_keeps_data(client, commune_a, editor_a):
    pages_before = Page.objects.descendant_of(commune_a.home_page, inclusive=True).count()
    services.commune_archive(commune_a)
    commune_a.refresh_from_db()
    assert commune_a.status == Commune.Status.ARCHIVED
    assert not Page.objects.descendant_of(commune_a.home_page, inclusive=True).live().exists()
    assert Page.objects.descendant_of(commune_a.home_page, inclusive=True).count() == pages_before
    assert client.get("/", HTTP_HOST=commune_a.hostname).status_code == 410
    assert client.get("/thai-nguyen/dong-dat/", HTTP_HOST="localhost").status_code == 404
    assert commune_a.editors_group.user_set.filter(pk=editor_a.pk).exists()


def test_officer_of_one_commune_cannot_be_added_to_another(commune_a, commune_b, editor_a):
    with pytest.raises(services.ServiceError, match="đơn vị khác"):
        services.officer_create(username=editor_a.username, email=editor_a.email, role="editor", commune=commune_b)


def test_officer_service_never_takes_over_an_operator_or_another_province_admin(commune_a, province_admin_b):
    from tests.factories import make_superuser

    operator = make_superuser()
    for username in (operator.username, province_admin_b.username):
        with pytest.raises(services.ServiceError):
            services.officer_create(
                username=username, email="x@example.vn", role="editor", commune=commune_a, password="mat-khau-moi-99"
            )
    operator.refresh_from_db()
    assert operator.check_password("mat-khau-thu-1")
    assert not operator.groups.exists()


def test_officer_can_hold_both_roles_in_the_same_commune(commune_a, editor_a):
    user, password = services.officer_create(
        username=editor_a.username, email=editor_a.email, role="approver", commune=commune_a
    )
    assert password is None
    assert set(user.groups.all()) == {commune_a.editors_group, commune_a.approvers_group}


def test_weak_password_is_refused_in_vietnamese(commune_a):
    with pytest.raises(services.ServiceError, match="Mật khẩu chưa đủ mạnh"):
        services.officer_create(
            username="yeu", email="yeu@example.vn", role="editor", commune=commune_a, password="123"
        )


# --- Cost and bookkeeping of bulk provisioning --------------------------------------------------

# Measured at about 190 on SQLite and PostgreSQL (466 before pages were appended in bulk); a new
# per-page query (13 pages) or per-sibling one would cross it.
PROVISIONING_QUERY_LIMIT = 210


def _queries_to_provision(province, name):
    with CaptureQueriesContext(connection) as ctx:
        services.commune_create(province=province, name=name)
    return len(ctx.captured_queries)


def test_provisioning_one_commune_costs_the_same_with_2_or_12_communes_already_there(province_a):
    # "An …" sorts before "Có Sẵn …": a name-sorted collection insert would renumber every existing sibling.
    for i in range(2):
        CommuneFactory(province=province_a, name=f"Có Sẵn {i}")
    with_two = _queries_to_provision(province_a, "An Đo Một")
    for i in range(2, 12):
        CommuneFactory(province=province_a, name=f"Có Sẵn {i}")
    with_twelve = _queries_to_provision(province_a, "An Đo Hai")
    assert with_twelve == with_two
    assert with_two <= PROVISIONING_QUERY_LIMIT


def test_provisioned_pages_and_collections_form_a_valid_tree(province_a):
    communes = [CommuneFactory(province=province_a, name=name) for name in ("Vạn Phái", "An Khánh", "Đồng Hỷ")]
    assert Page.find_problems() == ([], [], [], [], [])
    assert Collection.find_problems() == ([], [], [], [], [])
    province_page = province_a.page.specific
    province_page.refresh_from_db()
    # The province's own news and documents sections (pages.province_content) sit beside its communes.
    from pages.sections import PROVINCE_SECTIONS

    assert province_page.numchild == len(communes) + len(PROVINCE_SECTIONS)
    for section in province_page.get_children().exclude(pk__in=[c.home_page_id for c in communes]).specific():
        section.full_clean()
        assert section.url_path == f"{province_a.page.url_path}{section.slug}/"
    for commune in communes:
        home = commune.home_page
        assert home.get_parent().pk == province_a.page_id
        assert home.url_path == f"{province_a.page.url_path}{commune.slug}/"
        for page in home.get_descendants(inclusive=True).specific():
            page.full_clean()  # what add_child would have checked page by page
            assert page.live and page.locale_id == home.locale_id and page.draft_title == page.title
            assert page.url_path == f"{page.get_parent().url_path}{page.slug}/"
            assert PageLogEntry.objects.filter(page=page, action="wagtail.create").count() == 1
    assert [c.collection.get_parent().pk for c in communes] == [province_a.collection_id] * 3


def test_provisioned_pages_are_searchable_and_need_no_reference_index_rows(commune_a):
    from wagtail.models import ReferenceIndex
    from wagtail.search.models import IndexEntry

    pages = list(commune_a.home_page.get_descendants(inclusive=True).specific())
    entries = IndexEntry.objects.filter(object_id__in=[str(p.pk) for p in pages])
    assert entries.count() == len(pages)
    # Title norms were refreshed once at the end, not left at modelsearch's "not computed" 1.0.
    assert not entries.filter(title_norm=1.0).exists()
    # Provisioning skips the reference index: rebuilding it for every new page must add nothing.
    before = ReferenceIndex.objects.count()
    for page in pages:
        ReferenceIndex.create_or_update_for_object(page)
    assert ReferenceIndex.objects.count() == before


def test_import_refreshes_search_title_norms_once_at_the_end(province_a):
    from wagtail.search.models import IndexEntry

    from sites.importers import CommuneRow, commune_import

    rows = [
        CommuneRow(line=i + 2, province="Thái Nguyên", province_domain="thainguyen.gov.vn", kind="xã", name=name)
        for i, name in enumerate(("Phú Đô", "Tức Tranh"))
    ]
    with CaptureQueriesContext(connection) as ctx:
        report = commune_import(rows)
    assert report.created == 2
    refreshes = [q for q in ctx.captured_queries if "AVG(LENGTH(" in q["sql"].upper()]
    assert len(refreshes) == 1
    assert not IndexEntry.objects.filter(title_norm=1.0).exists()


def test_refresh_recreates_a_deleted_section_and_intro_page_after_the_others(commune_a):
    home = commune_a.home_page
    home.get_children().get(slug="lien-he").delete()
    intro = home.get_children().get(slug="gioi-thieu")
    intro.get_children().get(slug="to-chuc-bo-may").delete()

    services.commune_refresh(commune_a)

    assert home.get_children().last().slug == "lien-he"
    assert intro.get_children().last().slug == "to-chuc-bo-may"
    assert Page.find_problems() == ([], [], [], [], [])
    recreated = intro.get_children().last().specific
    recreated.full_clean()
    assert recreated.url_path == f"{intro.url_path}to-chuc-bo-may/"
