import io
import unicodedata

import pytest

from sites.text import fold, hostname_label, is_valid_hostname, slugify_by_steps, vn_slugify


@pytest.mark.parametrize(
    "name, slug",
    [
        ("Xã Động Đạt", "xa-dong-dat"),
        ("Động Đạt", "dong-dat"),
        ("ĐẢO ĐÁ", "dao-da"),
        ("Nguyễn Nghiêm", "nguyen-nghiem"),
        ("Bình Tân Phú", "binh-tan-phu"),
        ("Thái Nguyên", "thai-nguyen"),
        ("Quảng Ngãi", "quang-ngai"),
        ("Đăng ký khai sinh", "dang-ky-khai-sinh"),
        ("Chứng thực bản sao", "chung-thuc-ban-sao"),
        ("Kết hôn", "ket-hon"),
        ("ấ ộ ệ ữ ằ ẫ ợ ỷ", "a-o-e-u-a-a-o-y"),
        ("  Trà   Bồng  ", "tra-bong"),
        ("96/KH-UBND", "96-kh-ubnd"),
        ("Thủ tục 1.001193", "thu-tuc-1-001193"),
        ("", ""),
    ],
)
def test_vn_slugify_maps_d_and_strips_every_mark(name, slug):
    assert vn_slugify(name) == slug


def test_fold_keeps_case_and_spaces():
    assert fold("Động Đạt") == "Dong Dat"


def test_decomposed_input_gives_same_slug_as_composed():
    import unicodedata

    assert vn_slugify(unicodedata.normalize("NFD", "Động Đạt")) == "dong-dat"


@pytest.mark.parametrize(
    "name, label", [("Động Đạt", "dongdat"), ("Nguyễn Nghiêm", "nguyennghiem"), ("Bình Tân Phú", "binhtanphu")]
)
def test_hostname_label_is_full_name_without_marks_or_spaces(name, label):
    assert hostname_label(name) == label


@pytest.mark.parametrize(
    "hostname, ok",
    [
        ("dongdat.thainguyen.gov.vn", True),
        ("daoda-demo.thainguyen.localhost", True),
        ("localhost", False),
        ("động.gov.vn", False),
        ("-bad.gov.vn", False),
        ("a..gov.vn", False),
        ("UPPER.gov.vn", False),
    ],
)
def test_hostname_validation(hostname, ok):
    assert is_valid_hostname(hostname) is ok


# --- Pages: the server fills empty slugs with the same rule -------------------------------

SLUG_TABLE = [
    ("Xã Động Đạt", "xa-dong-dat"),
    ("Đăng ký khai sinh", "dang-ky-khai-sinh"),
    ("Thủ tục: cấp giấy phép xây dựng (mới)", "thu-tuc-cap-giay-phep-xay-dung-moi"),
    ("Ưu đãi người có công", "uu-dai-nguoi-co-cong"),
    ("Quyết định 96/QĐ-UBND", "quyet-dinh-96-qd-ubnd"),
    ("ấ ộ ệ ữ Ỷ", "a-o-e-u-y"),
]


@pytest.mark.parametrize("title, slug", SLUG_TABLE)
def test_pages_created_without_a_slug_get_the_vietnamese_slug(commune_a, title, slug):
    from pages.models import StandardPage

    page = commune_a.home_page.add_child(instance=StandardPage(title=title))
    assert page.slug == slug


def test_fix_slugs_rewrites_unicode_slugs_and_redirects_the_old_address(
    commune_a, client, django_capture_on_commit_callbacks
):
    from django.core.management import call_command
    from wagtail.contrib.redirects.models import Redirect

    from pages.models import StandardPage

    parent = commune_a.home_page.add_child(instance=StandardPage(title="Giới thiệu chung", slug="giới-thiệu-chung"))
    child = parent.add_child(instance=StandardPage(title="Lịch sử", slug="lịch-sử"))
    clean = commune_a.home_page.add_child(instance=StandardPage(title="Bản đồ", slug="ban-do"))
    parent.save_revision()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("fix_slugs", stdout=io.StringIO())
    parent.refresh_from_db()
    child.refresh_from_db()
    clean.refresh_from_db()
    assert (parent.slug, child.slug, clean.slug) == ("gioi-thieu-chung", "lich-su", "ban-do")
    assert parent.latest_revision.content["slug"] == "gioi-thieu-chung"
    assert child.url_path.endswith("/gioi-thieu-chung/lich-su/")
    redirect = Redirect.objects.get(old_path=Redirect.normalise_path("/giới-thiệu-chung"))
    assert redirect.redirect_page_id == parent.pk and redirect.is_permanent
    response = client.get("/giới-thiệu-chung/", HTTP_HOST=commune_a.hostname)
    assert response.status_code == 301 and response["Location"].endswith("/gioi-thieu-chung/")
    # A second run has nothing left to do.
    from pages.slugs import unclean_pages

    assert unclean_pages() == []


VIETNAMESE_LETTERS = "aàáạảãâầấậẩẫăằắặẳẵeèéẹẻẽêềếệểễiìíịỉĩoòóọỏõôồốộổỗơờớợởỡuùúụủũưừứựửữyỳýỵỷỹdđ"


@pytest.mark.parametrize(
    "text",
    [
        VIETNAMESE_LETTERS,
        VIETNAMESE_LETTERS.upper(),
        "Xã Động Đạt",
        "Quyết định 96/QĐ-UBND ngày 01/02/2025",
        "Thủ tục: cấp giấy phép xây dựng (mới)!",
        "  --Ưu đãi   người có công--  ",
        unicodedata.normalize("NFD", "Đăng ký khai sinh, kết hôn"),
    ],
)
def test_admin_slug_steps_equal_the_server_slug(text):
    assert slugify_by_steps(text) == vn_slugify(text)


def test_the_page_editor_slug_field_uses_the_vietnamese_steps():
    from pages.models import StandardPage
    from pages.widgets import VietnameseSlugInput

    page_form = StandardPage.get_edit_handler().get_form_class()
    widget = page_form.base_fields["slug"].widget
    assert isinstance(widget, VietnameseSlugInput)
    assert "data-w-slug-formatters-value" in widget.attrs


# --- Vietnamese alphabetical order, stored so every database sorts the same --------------

VIETNAMESE_ORDER = [
    "An Bình",
    "Ăn uống",
    "Âu Cơ",
    "Ba Đình",
    "Dân số",
    "Dương Kinh",
    "Đảo Đá",
    "Đất đai",
    "Động Đạt",
    "Hà",
    "Hạ Long",
    "Ho",
    "Hồ",
    "Hộ tịch",
    "Tân Phú",
    "Tân Phú Đông",
    "Thái Nguyên",
    "Tư pháp",
    "Y tế",
]


def test_collation_key_sorts_like_the_dictionary():
    from sites.text import vn_collation_key

    assert sorted(reversed(VIETNAMESE_ORDER), key=vn_collation_key) == VIETNAMESE_ORDER
    assert all(vn_collation_key(name).isdigit() for name in VIETNAMESE_ORDER)


def test_provinces_communes_and_categories_come_back_in_vietnamese_order(db):
    from pages.news.models import NewsCategory
    from sites import services
    from sites.models import Commune, Province

    for name in reversed(["Bắc Ninh", "Đà Nẵng", "Điện Biên", "Yên Bái"]):
        services.province_ensure(name=name, domain=f"{vn_slugify(name).replace('-', '')}.gov.vn")
    assert list(Province.objects.values_list("name", flat=True)) == ["Bắc Ninh", "Đà Nẵng", "Điện Biên", "Yên Bái"]
    province = Province.objects.get(name="Điện Biên")
    for name in reversed(["Ẳng Cang", "Búng Lao", "Mường Ảng", "Mường Lạn", "Ún"]):
        Commune.objects.create(province=province, name=name, slug=vn_slugify(name), hostname=f"{vn_slugify(name)}.x.vn")
    names = list(Commune.objects.filter(province=province).values_list("name", flat=True))
    assert names == ["Ẳng Cang", "Búng Lao", "Mường Ảng", "Mường Lạn", "Ún"]
    commune = Commune.objects.filter(province=province).first()
    for name in reversed(["An ninh", "Đời sống", "Dân vận", "Ý kiến cử tri"]):
        NewsCategory.objects.create(commune=commune, name=name)
    names = list(NewsCategory.objects.filter(commune=commune).values_list("name", flat=True))
    assert names == ["An ninh", "Dân vận", "Đời sống", "Ý kiến cử tri"]


def test_officers_are_listed_by_given_name_in_vietnamese_order(commune_a):
    from sites.admin_views import officers_of
    from tests.factories import make_officer

    for username, first, last in [
        ("a", "Văn Ân", "Nguyễn"),
        ("b", "Thị Đào", "Lê"),
        ("c", "Minh Dũng", "Trần"),
        ("d", "Văn An", "Phạm"),
    ]:
        user = make_officer(commune_a, "editor", username=username)
        user.first_name, user.last_name = first, last
        user.save()
    names = [f"{row['user'].last_name} {row['user'].first_name}" for row in officers_of(commune_a)]
    assert names == ["Phạm Văn An", "Nguyễn Văn Ân", "Trần Minh Dũng", "Lê Thị Đào"]
