import pytest

from sites.text import fold, hostname_label, is_valid_hostname, vn_slugify


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
