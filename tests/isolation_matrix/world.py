"""Commune B's world: one object of every kind, each carrying a "BMARKER-<kind>" marker.

Built through the same business functions and factories as the rest of the suite (the page,
draft, files and settings come from tests.test_isolation._make_content). Commune A gets the
same base content, so cross-commune POSTs have an A object to start from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone
from taggit.models import TaggedItem
from wagtail.admin.models import EditingSession
from wagtail.contrib.forms.models import FormSubmission
from wagtail.contrib.redirects.models import Redirect
from wagtail.log_actions import log
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    GroupPagePermission,
    Page,
    PageLogEntry,
    PageViewRestriction,
    Revision,
    Task,
    TaskState,
    UploadedFile,
    WorkflowState,
)

from media.models import CommuneDocument, CommuneImage, CommuneVideo
from pages.consultations.models import ConsultationComment
from pages.feedback.models import PageRating
from pages.models import CommuneIdentity, StandardPage
from pages.news.models import NewsCategory
from pages.procedures.admin_views import PendingImport
from pages.procedures.models import CommuneProcedure, Procedure
from pages.province_content.models import HiddenSharedItem, ProvinceAlert
from pages.site_content import Banner, MenuItem, NavigationSettings, Notice
from sites.models import Commune, PublicHoliday
from tests.factories import CommuneFactory, ProvinceFactory, make_officer, make_province_admin, make_superuser
from tests.factories_pages import BannerFactory, NoticeFactory, add_menu_item
from tests.factories_procedures import SAMPLE_FILE, add_procedure, procedure_index
from tests.test_isolation import _make_content
from training.models import Exercise, Trainee, Workshop

MARK = "BMARKER"


@dataclass
class World:
    """B's objects by kind (``b``), A's starting points (``a``) and the people involved."""

    b: dict
    a: dict
    users: dict
    communes: dict

    def __getitem__(self, key):
        return self.b[key]

    def path(self, key) -> str:
        """The public path of one of B's pages on B's own host."""
        return self.b[key].get_url_parts()[2]


def _b_consultation(commune_b, page) -> dict:
    """An open consultation of B with one resident's comment (personal data), and a day of ratings of B's page."""
    from datetime import timedelta

    from pages.consultations.models import ConsultationIndexPage, ConsultationPage

    index = ConsultationIndexPage.objects.child_of(commune_b.home_page).get()
    now = timezone.now()
    consultation = index.add_child(
        instance=ConsultationPage(
            title=f"{MARK}-consultation",
            slug="bmarker-consultation",
            subject=f"{MARK}-consultation",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=30),
        )
    )
    comment = ConsultationComment.objects.create(
        commune=commune_b, page=consultation, text=f"{MARK}-comment", name=f"{MARK}-resident", contact="0912345678"
    )
    PageRating.objects.create(commune=commune_b, page=page, date=timezone.localdate(), useful=3, not_useful=1)
    return {"consultation": consultation, "comment": comment}


def _b_province_content(commune_b, province_admin_b) -> dict:
    """An alert of B's province for B, and an article of B's province shared with its communes (province_content)."""
    from datetime import timedelta

    from pages.news.models import ArticlePage, NewsIndexPage
    from pages.province_content.services import alert_publish

    alert = alert_publish(
        province=commune_b.province,
        user=province_admin_b,
        communes=[commune_b],
        kind="disaster",
        title=f"{MARK}-alert",
        expires_at=timezone.now() + timedelta(days=30),
    )
    section = NewsIndexPage.objects.child_of(commune_b.province.page).get()
    shared = section.add_child(
        instance=ArticlePage(
            title=f"{MARK}-shared", slug="bmarker-shared", summary=f"{MARK}-shared", share_with_all_communes=True
        )
    )
    return {"alert": alert, "shared_article": shared}


def _b_extras(commune_b, editor_b, province_admin_b, content):
    """Everything _make_content does not build: snippets, menu, procedures, workflow, audit, restrictions…"""
    page, draft = content["page"], content["draft"]
    banner = BannerFactory(commune=commune_b, alt_text=f"{MARK}-banner")
    notice = NoticeFactory(commune=commune_b, title=f"{MARK}-notice")
    category = NewsCategory.objects.create(commune=commune_b, name=f"{MARK}-category")
    add_menu_item(commune_b, f"{MARK}-menu", url="https://example.vn/bmarker-menu")
    menu = NavigationSettings.for_site(commune_b.site)
    entry = add_procedure(
        commune_b, f"{MARK}-procedure", "9.999001", local={"officer_name": f"{MARK}-commune-procedure"}
    )
    submission = FormSubmission.objects.create(page=page, form_data={"noi_dung": f"{MARK}-submission"})

    workflow_state = WorkflowState.objects.get(base_content_type__isnull=False, object_id=str(draft.pk))
    task_state = workflow_state.current_task_state
    task = Task.objects.get(pk=task_state.task_id)

    private = content["news"].add_child(
        instance=StandardPage(title=f"{MARK}-private-page", slug="bmarker-private-page", body="<p>riêng</p>")
    )
    private.save_revision(user=editor_b).publish(user=editor_b, skip_permission_checks=True)
    page_restriction = PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="mat-khau-b"
    )
    private_collection = content["collection"].add_child(name=f"{MARK}-collection")
    collection_restriction = CollectionViewRestriction.objects.create(
        collection=private_collection, restriction_type=CollectionViewRestriction.PASSWORD, password="mat-khau-b"
    )
    uploaded_file = UploadedFile.objects.create(
        file=ContentFile(b"\x89PNG bmarker", name="bmarker-upload.png"),
        uploaded_by_user=editor_b,
        for_content_type=ContentType.objects.get_for_model(CommuneImage),
    )
    editing_session = EditingSession.objects.create(
        user=editor_b,
        content_type=ContentType.objects.get_for_model(Page),
        object_id=str(page.pk),
        last_seen_at=timezone.now(),
    )
    redirect = Redirect.objects.create(
        old_path="/bmarker-redirect", site=commune_b.site, redirect_link="https://example.vn/BMARKER-redirect"
    )
    for obj in (banner, notice, category, entry, menu):
        log(obj, "wagtail.edit", user=editor_b)
    log(commune_b, "wagtail.edit", user=province_admin_b)  # a history entry about B itself

    # A catalogue import waiting for P2's confirmation: its token must open for P2 only.
    data = json.loads(SAMPLE_FILE.read_text(encoding="utf-8"))
    data["data"][0]["TENTTHC"] = f"{MARK}-import"
    pending = PendingImport.save(
        province_admin_b,
        commune_b.province,
        SimpleUploadedFile("bmarker.json", json.dumps(data, ensure_ascii=False).encode()),
    )
    # A workshop of B's province with one seat. Rows only: a real seat would copy all of B's marked
    # content into a practice site; the gate and the views need the workshop and the seat, not the copy.
    workshop = Workshop.objects.create(
        province=commune_b.province,
        name=f"{MARK}-workshop",
        slug="bmarker-workshop",
        template=commune_b,
        template_name=commune_b.full_name,
    )
    Exercise.objects.create(workshop=workshop, kind="category")
    trainee = Trainee.objects.create(
        workshop=workshop,
        number=1,
        username="hv01.bmarker-workshop.quang-ngai",
        card_password="BMARKER-password",
        site_url="http://bmarker-workshop-01.quangngai.gov.vn/",
        started_at=timezone.now(),
    )
    # A disclosure posted today (pages.disclosures) and the register of its quarter.
    from pages.disclosures.models import DisclosureIndexPage, DisclosurePage, quarter_of

    disclosure_index = DisclosureIndexPage.objects.child_of(commune_b.home_page).get()
    posted = timezone.localdate()
    disclosure = disclosure_index.add_child(
        instance=DisclosurePage(
            title=f"{MARK}-disclosure",
            slug="bmarker-disclosure",
            group="budget",
            summary=f"{MARK}-disclosure",
            decision_date=posted,
            posted_date=posted,
            channels=["website"],
        )
    )
    holiday = PublicHoliday.objects.get_or_create(date=date(2026, 9, 2), defaults={"name": "Quốc khánh"})[0]
    return {
        "disclosure": disclosure,
        "disclosure_index": disclosure_index,
        "disclosure_quarter": "so-dang-ky/{}/{}/".format(*quarter_of(posted)),
        "holiday": holiday,
        "workshop": workshop,
        "trainee": trainee,
        **_b_consultation(commune_b, content["page"]),
        **_b_province_content(commune_b, province_admin_b),
        "banner": banner,
        "notice": notice,
        "category": category,
        "menu": menu,
        "identity": content["identity"],
        "commune_procedure": entry,
        "procedure": entry.procedure,
        "submission": submission,
        "revision": Revision.objects.get(pk=page.latest_revision_id),
        "draft_revision": Revision.objects.get(pk=draft.latest_revision_id),
        "workflow_state": workflow_state,
        "task_state": task_state,
        "task": task,
        "workflow": commune_b.workflow,
        "private_page": private,
        "page_restriction": page_restriction,
        "private_collection": private_collection,
        "collection_restriction": collection_restriction,
        "uploaded_file": uploaded_file,
        "editing_session": editing_session,
        "redirect": redirect,
        "user": editor_b,
        "group": commune_b.editors_group,
        "commune": commune_b,
        "province": commune_b.province,
        "import_token": pending.token,
        "procedure_index": procedure_index(commune_b),
    }


def build_world() -> World:
    """A's and B's provinces, communes, people (named as in tests/conftest.py) and B's marked objects."""
    province_a = ProvinceFactory(name="Thái Nguyên", domain="thainguyen.gov.vn")
    province_b = ProvinceFactory(name="Quảng Ngãi", domain="quangngai.gov.vn")
    commune_a = CommuneFactory(province=province_a, name="Động Đạt")
    CommuneFactory(province=province_a, name="Phú Lương")  # P1 keeps two communes: their dropdowns show
    commune_b = CommuneFactory(province=province_b, name="Tân Phú")
    users = {
        "editor_a": make_officer(commune_a, "editor", username="bientap.a"),
        "approver_a": make_officer(commune_a, "approver", username="pheduyet.a"),
        "province_admin_a": make_province_admin(province_a, username="quantri.thainguyen"),
        "editor_b": make_officer(commune_b, "editor", username="bientap.b"),
        "approver_b": make_officer(commune_b, "approver", username="pheduyet.b"),
        "province_admin_b": make_province_admin(province_b, username="quantri.quangngai"),
        "superuser": make_superuser(),
    }
    b = _make_content(commune_b, users["editor_b"], MARK)
    b.update(_b_extras(commune_b, users["editor_b"], users["province_admin_b"], b))
    b["audit_entry"] = PageLogEntry.objects.filter(page=b["page"]).latest("pk")
    a = _make_content(commune_a, users["editor_a"], "AMARKER")
    loose = a["news"].add_child(instance=StandardPage(title="AMARKER-loose", slug="amarker-loose", body="<p>x</p>"))
    loose.save_revision(user=users["editor_a"]).publish(user=users["editor_a"], skip_permission_checks=True)
    a.update(
        commune=commune_a,
        province=province_a,
        loose=loose,  # unlocked and out of any workflow: A's own page to copy and move
        intro=commune_a.home_page.get_children().get(slug="gioi-thieu"),  # where a control moves it
        subcollection=a["collection"].add_child(name="AMARKER-collection"),
    )
    return World(b=b, a=a, users=users, communes={"a": commune_a, "b": commune_b})


# --- What "nothing changed" means -----------------------------------------------------------


def _rows(queryset, *fields):
    return list(queryset.order_by("pk").values_list(*fields))


def snapshot_b(world: World) -> dict:
    """Every row that belongs to commune B or its province, as plain values.

    Scoped to B, so a refused cross-commune POST shows as "nothing new in B", while A's own
    control requests may change A freely.
    """
    commune, province = world.communes["b"], world.communes["b"].province
    pages = Page.objects.filter(path__startswith=province.page.path)
    page_ids = [str(pk) for pk in pages.values_list("pk", flat=True)]
    collections = Collection.objects.filter(path__startswith=province.collection.path)
    files = {"collection__in": collections}
    groups = [commune.editors_group_id, commune.approvers_group_id, province.admins_group_id]
    officers = get_user_model().objects.filter(groups__in=groups).distinct()
    page_type = ContentType.objects.get_for_model(Page)
    return {
        "pages": _rows(
            pages,
            *("pk", "title", "slug", "live", "path", "locked", "locked_by_id", "latest_revision_id"),
            *("has_unpublished_changes", "alias_of_id", "content_type_id", "owner_id"),
        ),
        "revisions": _rows(Revision.objects.filter(base_content_type=page_type, object_id__in=page_ids), "pk"),
        "images": _rows(CommuneImage.objects.filter(**files), "pk", "title", "collection_id", "file"),
        "documents": _rows(CommuneDocument.objects.filter(**files), "pk", "title", "collection_id", "file"),
        "videos": _rows(CommuneVideo.objects.filter(**files), "pk", "title", "collection_id", "file"),
        "collections": _rows(collections, "pk", "name", "path"),
        "identity": _rows(CommuneIdentity.objects.filter(site=commune.site), "pk", "agency_name"),
        "menus": _rows(
            MenuItem.objects.filter(settings__site=commune.site),
            "pk",
            "label",
            "link_url",
            "link_page_id",
            "sort_order",
        ),
        "banners": _rows(Banner.objects.filter(commune=commune), "pk", "alt_text", "image_id", "sort_order"),
        # Rows anywhere that point at B's objects: another commune's banner or menu using them.
        "banners_using_b": _rows(Banner.objects.filter(image__collection__in=collections), "pk", "commune_id"),
        "menus_linking_b": _rows(MenuItem.objects.filter(link_page__in=pages), "pk", "settings_id"),
        "notices": _rows(Notice.objects.filter(commune=commune), "pk", "title", "text"),
        "categories": _rows(NewsCategory.objects.filter(commune=commune), "pk", "name"),
        "commune_procedures": _rows(
            CommuneProcedure.objects.filter(commune=commune), "pk", "procedure_id", "officer_name", "is_featured"
        ),
        "procedure_users": _rows(CommuneProcedure.objects.filter(procedure__province=province), "pk", "commune_id"),
        "procedures": _rows(Procedure.objects.filter(province=province), "pk", "code", "name", "status"),
        "submissions": _rows(FormSubmission.objects.filter(page__in=pages), "pk", "form_data"),
        "workflow_states": _rows(
            WorkflowState.objects.filter(object_id__in=page_ids), "pk", "status", "current_task_state_id"
        ),
        "task_states": _rows(TaskState.objects.filter(workflow_state__object_id__in=page_ids), "pk", "status"),
        "tasks": _rows(Task.objects.filter(workflow_tasks__workflow=commune.workflow), "pk", "name", "active"),
        "page_restrictions": _rows(PageViewRestriction.objects.filter(page__in=pages), "pk", "password"),
        "collection_restrictions": _rows(
            CollectionViewRestriction.objects.filter(collection__in=collections), "pk", "password"
        ),
        "uploaded_files": _rows(UploadedFile.objects.filter(uploaded_by_user__in=officers), "pk", "file"),
        "editing_sessions": _rows(EditingSession.objects.filter(user__in=officers), "pk", "object_id"),
        "redirects": _rows(Redirect.objects.filter(site=commune.site), "pk", "old_path", "redirect_link"),
        "tagged_items": sorted(
            (model._meta.model_name, *row)
            for model in (CommuneImage, CommuneDocument, CommuneVideo)
            for row in TaggedItem.objects.filter(
                content_type=ContentType.objects.get_for_model(model),
                object_id__in=model.objects.filter(**files).values("pk"),
            ).values_list("object_id", "tag_id")
        ),
        "officers": _rows(officers, "pk", "username", "is_active", "email", "password", "is_superuser"),
        "memberships": _rows(get_user_model().groups.through.objects.filter(group__in=groups), "user_id", "group_id"),
        "page_permissions": _rows(GroupPagePermission.objects.filter(page__in=pages), "group_id", "permission_id"),
        "communes": _rows(Commune.objects.filter(province=province), "pk", "name", "status"),
        "consultation_comments": _rows(
            ConsultationComment.objects.filter(commune=commune), "pk", "text", "status", "response", "reviewed_by_id"
        ),
        "page_ratings": _rows(PageRating.objects.filter(commune=commune), "pk", "useful", "not_useful"),
        # pages.province_content: B's province's alerts, any alert naming B, and what B (or anyone) hid of B's.
        "province_alerts": _rows(
            ProvinceAlert.objects.filter(province=province), "pk", "title", "all_communes", "withdrawn_at"
        ),
        "alert_targets": _rows(
            ProvinceAlert.communes.through.objects.filter(commune=commune), "pk", "provincealert_id"
        ),
        "hidden_shared": _rows(
            HiddenSharedItem.objects.filter(Q(commune=commune) | Q(page__in=pages)), "pk", "commune_id", "page_id"
        ),
    }


def fingerprint() -> tuple:
    """Row counts and newest ids of the tables a control POST writes to (did it do anything at all?)."""
    from django.db.models import Max

    models = (
        Page,
        Revision,
        CommuneImage,
        CommuneDocument,
        CommuneVideo,
        Collection,
        MenuItem,
        Banner,
        Notice,
        CommuneProcedure,
        Procedure,
        Commune,
        ProvinceAlert,
        HiddenSharedItem,
    )
    moved = tuple(Page.objects.order_by("pk").values_list("path", flat=True))
    files = tuple(CommuneImage.objects.order_by("pk").values_list("collection_id", flat=True)) + tuple(
        CommuneDocument.objects.order_by("pk").values_list("collection_id", flat=True)
    )
    return tuple(m.objects.aggregate(n=Max("pk"))["n"] for m in models) + (moved, files)
