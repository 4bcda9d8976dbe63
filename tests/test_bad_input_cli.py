"""Every management command of the project, called with bad values: a Vietnamese refusal, nothing written.

The commands are read from Django (get_commands(), kept to this repository's apps) and each command's
subcommands from its own parser; every (command, subcommand) needs cases in CASES, so a new command or
subcommand fails test_every_command_and_subcommand_has_bad_input_cases until someone writes its cases.

Cases already in tests/test_cli.py, tests/test_tthc_import.py and tests/test_two_factor.py (a missing
commune file, a non-UTF-8 CSV, a bad kind or role, malformed JSON, an unknown 2FA account…) are not
repeated here.
"""

from __future__ import annotations

import argparse
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, GroupPagePermission, ModelLogEntry, Page, PageLogEntry, Site, Workflow

from pages.procedures.importing import FLAT_COLUMNS
from pages.procedures.models import CommuneProcedure, Procedure
from pages.province_content.models import ProvinceAlert
from sites import importers
from sites.models import Commune, FormerUnit, Province, PublicHoliday
from tests.conftest import clear_cache
from tests.factories import (
    CommuneFactory,
    ProvinceFactory,
    add_totp_device,
    make_officer,
    make_province_admin,
    make_superuser,
)
from tests.factories_procedures import SAMPLE_FILE, add_catalogue_procedure
from tests.test_tthc_import import BIRTH_ROW, csv_text, xlsx_bytes
from training.models import Exercise, Trainee, Workshop
from training.services import WorkshopRequest, workshop_close, workshop_create

# Letters only Vietnamese uses (đ, ơ, ư, ă, â, ê, ô and the tone marks): a message without one is not Vietnamese.
VIETNAMESE = re.compile(r"[đơưăâêôàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE)
# What leaks through when an exception, argparse or the OS speaks instead of the command.
ENGLISH = (
    "Error",
    "error:",
    "usage:",
    "invalid",
    "required",
    "unrecognized",
    "expected",
    "No such file",
    "Permission denied",
    "Is a directory",
    "Traceback",
    "Exception",
    "not allowed",
    "choose from",
)

HTML = b"<!DOCTYPE html>\n<html><head><title>Trang web</title></head><body><p>Xin ch\xc3\xa0o</p></body></html>\n"
JUNK = bytes(range(256)) * 4  # not UTF-8, not a known file type
COMMUNE_HEADER = ",".join(importers.COLUMNS)


def commune_csv(*rows: str) -> bytes:
    return "\n".join([COMMUNE_HEADER, *rows]).encode() + b"\n"


def tthc_csv(**changes) -> bytes:
    row = {**BIRTH_ROW, **changes}
    return csv_text(list(FLAT_COLUMNS), [[row.get(c, "") for c in FLAT_COLUMNS]]).encode("utf-8")


LONG_NAME = "Phú " * 26  # 104 characters
LONG_EMAIL = "a" * 60 + "@" + ".".join(["tenmien"] * 30) + ".vn"  # 300 characters: valid form, too long to store


@dataclass(frozen=True)
class Case:
    """One bad call: its arguments after the command name, and what the refusal must say.

    "{file}" in args is a file written from `file` (name, bytes) in the test's folder, "{dir}" that folder.
    """

    id: str
    args: tuple[str, ...]
    says: tuple[str, ...]
    file: tuple[str, bytes] | None = None


def C(id, args, *says, file=None):  # noqa: E743
    return Case(id, tuple(args), tuple(says), file)


# (command, subcommand) -> cases; subcommand None for a command without subcommands, or for calls
# that go wrong before any subcommand is chosen.
CASES: dict[tuple[str, str | None], list[Case]] = {
    ("commune", None): [
        C("unknown-subcommand", ["xoa"], "không có lựa chọn 'xoa'"),
    ],
    ("commune", "create"): [
        C("missing-province", ["create", "--name", "Phú Lạc"], "thiếu tham số bắt buộc: --province"),
        C("empty-province", ["create", "--province", "", "--name", "Phú Lạc"], "Không tìm thấy tỉnh/thành phố “”"),
        C("province-slug-typo", ["create", "--province", "thai-nguyenn", "--name", "Phú Lạc"], "“thai-nguyenn”"),
        C("name-of-symbols", ["create", "--province", "thai-nguyen", "--name", "!!!"], "“!!!”", "chữ cái"),
        C("name-too-long", ["create", "--province", "thai-nguyen", "--name", LONG_NAME], "dài quá 100 ký tự"),
        C("name-with-nul", ["create", "--province", "thai-nguyen", "--name", "Phú\x00Lạc"], "ký tự điều khiển"),
        C("kind-unknown", ["create", "--province", "thai-nguyen", "--name", "Phú Lạc", "--kind", "huyện"], "“huyện”"),
        C("code-letters", ["create", "--province", "thai-nguyen", "--name", "Phú Lạc", "--code", "12ab"], "“12ab”"),
        C(
            "code-too-long",
            ["create", "--province", "thai-nguyen", "--name", "Phú Lạc", "--code", "123456789012"],
            "“123456789012”",
            "10 chữ số",
        ),
        C(
            "code-taken",
            ["create", "--province", "thai-nguyen", "--name", "Phú Lạc", "--code", "01234"],
            "“01234”",
            "đã được dùng",
        ),
        C(
            "hostname-with-space",
            ["create", "--province", "thai-nguyen", "--name", "Phú Lạc", "--hostname", "phu lac.vn"],
            "“phu lac.vn”",
            "không hợp lệ",
        ),
        C(
            "hostname-taken",
            ["create", "--province", "thai-nguyen", "--name", "Phú Lạc", "--hostname", "dongdat.thainguyen.gov.vn"],
            "“dongdat.thainguyen.gov.vn”",
            "đã được dùng",
        ),
        C(
            "former-unit-too-long",
            ["create", "--province", "thai-nguyen", "--name", "Phú Lạc", "--former", "Xã " + "Phú Lạc " * 25],
            "Tên đơn vị cũ",
            "dài quá 150 ký tự",
        ),
        C("option-without-value", ["create", "--province"], "tham số --province cần một giá trị"),
    ],
    ("commune", "import"): [
        C("missing-file-argument", ["import"], "thiếu tham số bắt buộc: TỆP"),
        C("directory", ["import", "{dir}"], "là một thư mục"),
        C("html-named-csv", ["import", "{file}"], "Dòng 1", "<!DOCTYPE html>", "không rõ", file=("xa.csv", HTML)),
        C("html-named-xlsx", ["import", "{file}"], "Dòng 1", "không rõ", file=("xa.xlsx", HTML)),
        C("broken-xlsx", ["import", "{file}"], "Không mở được", "Excel", file=("xa.xlsx", b"PK\x03\x04junk")),
        C("empty-file", ["import", "{file}"], "trống", "dòng tiêu đề", file=("xa.csv", b"")),
        C("header-only", ["import", "{file}"], "không có dòng dữ liệu", file=("xa.csv", commune_csv())),
        C("binary-junk", ["import", "{file}"], "không phải văn bản UTF-8", file=("xa.csv", JUNK)),
        C(
            "missing-column",
            ["import", "{file}"],
            "Dòng 1",
            "thiếu cột bắt buộc province_domain",
            file=("xa.csv", "province,kind,name\nThái Nguyên,xã,Phú Lạc\n".encode()),
        ),
        C(
            "column-twice",
            ["import", "{file}"],
            "cột “name” xuất hiện hai lần",
            file=("xa.csv", "province,province_domain,kind,name,name\nThái Nguyên,thainguyen.gov.vn,xã,A,B\n".encode()),
        ),
        C(
            "bad-hostname-in-row",
            ["import", "{file}"],
            "Dòng 3",
            "“phu_lac.thainguyen.gov.vn”",
            file=(
                "xa.csv",
                commune_csv(
                    "Thái Nguyên,thainguyen.gov.vn,xã,Yên Ninh,,,",
                    "Thái Nguyên,thainguyen.gov.vn,xã,Phú Lạc,,phu_lac.thainguyen.gov.vn,",
                ),
            ),
        ),
        C(
            "code-with-letters-in-row",
            ["import", "{file}"],
            "Dòng 2",
            "“0x12”",
            file=("xa.csv", commune_csv("Thái Nguyên,thainguyen.gov.vn,xã,Phú Lạc,0x12,,")),
        ),
        C(
            "code-too-long-in-row",
            ["import", "{file}"],
            "Dòng 2",
            "10 chữ số",
            file=("xa.csv", commune_csv("Thái Nguyên,thainguyen.gov.vn,xã,Phú Lạc,123456789012,,")),
        ),
        C(
            "province-name-too-long",
            ["import", "{file}"],
            "Dòng 2",
            "dài quá 100 ký tự",
            file=("xa.csv", commune_csv(f"Tỉnh {'Thái Nguyên ' * 10},thaimoi.gov.vn,xã,Phú Lạc,,,")),
        ),
        C(
            "province-domain-too-long",
            ["import", "{file}"],
            "Dòng 2",
            "dài quá 200 ký tự",
            file=("xa.csv", commune_csv(f"Tỉnh Mới,{'tinhmoi.' * 30}gov.vn,xã,Phú Lạc,,,")),
        ),
        C(
            "province-domain-of-another-province",
            ["import", "{file}"],
            "Dòng 2",
            "“thainguyen.gov.vn”",
            file=("xa.csv", commune_csv("Bắc Kạn,thainguyen.gov.vn,xã,Phú Lạc,,,")),
        ),
        C(
            "former-unit-too-long-in-row",
            ["import", "{file}"],
            "Dòng 2",
            "dài quá 150 ký tự",
            file=("xa.csv", commune_csv(f"Thái Nguyên,thainguyen.gov.vn,xã,Phú Lạc,,,{'Xã Yên Ninh ' * 15}")),
        ),
        C(
            "nul-in-a-cell",
            ["import", "{file}"],
            "Dòng 2",
            file=("xa.csv", commune_csv("Thái Nguyên,thainguyen.gov.vn,xã,Phú\x00Lạc,,,")),
        ),
        C(
            "same-commune-twice",
            ["import", "{file}"],
            "Dòng 3",
            "trùng với dòng 2",
            file=(
                "xa.csv",
                commune_csv(
                    "Thái Nguyên,thainguyen.gov.vn,xã,Phú Lạc,,,", "Thái Nguyên,thainguyen.gov.vn,xã,Phú Lạc,,,"
                ),
            ),
        ),
        C(
            "cells-outside-the-columns",
            ["import", "{file}"],
            "Dòng 2",
            "nằm ngoài các cột",
            file=("xa.csv", commune_csv("Thái Nguyên,thainguyen.gov.vn,xã,Phú Lạc,,,,thừa")),
        ),
        C(
            "xlsx-with-a-bad-row",
            ["import", "{file}"],
            "Dòng 3",
            "“làng”",
            file=(
                "xa.xlsx",
                xlsx_bytes(
                    [
                        list(importers.COLUMNS),
                        ["Thái Nguyên", "thainguyen.gov.vn", "xã", "Phú Lạc"],
                        ["Thái Nguyên", "thainguyen.gov.vn", "làng", "Yên Ninh"],
                    ]
                ),
            ),
        ),
        C(
            "dry-run-of-a-bad-file",
            ["import", "{file}", "--dry-run"],
            "Dòng 2",
            "Thiếu tên xã/phường",
            file=("xa.csv", commune_csv("Thái Nguyên,thainguyen.gov.vn,xã,,,,")),
        ),
    ],
    ("commune", "list"): [
        C("unknown-province", ["list", "--province", "Hà Tây"], "Không tìm thấy tỉnh/thành phố “Hà Tây”"),
        C("extra-argument", ["list", "thai-nguyen"], "không hiểu tham số: thai-nguyen"),
    ],
    ("commune", "archive"): [
        C("missing-commune", ["archive"], "thiếu tham số bắt buộc: XÃ"),
        C("empty-commune", ["archive", ""], "Không tìm thấy xã/phường “”"),
        C("unknown-province-part", ["archive", "bac-kan/dong-dat"], "“bac-kan/dong-dat”"),
        C("two-communes", ["archive", "dong-dat", "phu-luong"], "không hiểu tham số: phu-luong"),
    ],
    ("commune", "refresh"): [
        C(
            "unknown-commune-among-good-ones",
            ["refresh", "dong-dat", "khong-co"],
            "Không tìm thấy xã/phường “khong-co”",
        ),
        C("unknown-option", ["refresh", "--all"], "không hiểu tham số: --all"),
    ],
    ("commune", "officer"): [
        C(
            "no-commune-nor-province",
            ["officer", "--username", "x1", "--email", "x@a.vn", "--role", "editor"],
            "cần một trong các tham số: --commune --province",
        ),
        C(
            "missing-username",
            ["officer", "--commune", "dong-dat", "--email", "x@a.vn", "--role", "editor"],
            "thiếu tham số bắt buộc: --username",
        ),
        C(
            "unknown-commune",
            ["officer", "--commune", "dong-dat-moi", "--username", "x1", "--email", "x@a.vn", "--role", "editor"],
            "Không tìm thấy xã/phường “dong-dat-moi”",
        ),
        C(
            "unknown-province",
            ["officer", "--province", "Hà Tây", "--username", "x1", "--email", "x@a.vn", "--role", "province-admin"],
            "Không tìm thấy tỉnh/thành phố “Hà Tây”",
        ),
        C(
            "editor-of-a-province",
            ["officer", "--province", "thai-nguyen", "--username", "x1", "--email", "x@a.vn", "--role", "editor"],
            "cần chỉ rõ xã/phường",
        ),
        C(
            "username-with-spaces",
            ["officer", "--commune", "dong-dat", "--username", "nguyen van a", "--email", "x@a.vn", "--role", "editor"],
            "Tên đăng nhập chỉ gồm",
            "“nguyen van a” không dùng được",
        ),
        C(
            "username-too-long",
            ["officer", "--commune", "dong-dat", "--username", "a" * 151, "--email", "x@a.vn", "--role", "editor"],
            "tối đa 150 ký tự",
        ),
        C(
            "email-too-long",
            ["officer", "--commune", "dong-dat", "--username", "x1", "--email", LONG_EMAIL, "--role", "editor"],
            "Địa chỉ thư điện tử",
            "dài quá 254 ký tự",
        ),
        C(
            "operator-account",
            ["officer", "--commune", "dong-dat", "--username", "vanhanh", "--email", "v@a.vn", "--role", "editor"],
            "“vanhanh”",
            "tài khoản vận hành",
        ),
        C(
            "account-of-another-province",
            ["officer", "--commune", "dong-dat", "--username", "bientap.b", "--email", "b@a.vn", "--role", "editor"],
            "“bientap.b”",
            "đơn vị khác",
        ),
        C(
            "weak-password-for-an-existing-officer",
            [
                *("officer", "--commune", "dong-dat", "--username", "bientap.a", "--email", "a@a.vn"),
                *("--role", "approver", "--password", "123"),
            ],
            "Mật khẩu chưa đủ mạnh",
        ),
        C(
            "role-unknown",
            ["officer", "--commune", "dong-dat", "--username", "x1", "--email", "x@a.vn", "--role", "chủ tịch"],
            "Vai trò “chủ tịch” không hợp lệ",
        ),
    ],
    ("two_factor", None): [
        C("missing-subcommand", [], "thiếu tham số bắt buộc: {reset}"),
        C("unknown-subcommand", ["xoa", "quantri.thainguyen"], "không có lựa chọn 'xoa'"),
    ],
    ("two_factor", "reset"): [
        C("missing-username", ["reset"], "thiếu tham số bắt buộc: TÊN_ĐĂNG_NHẬP"),
        C("empty-username", ["reset", ""], "Không có tài khoản “”"),
        C("full-name-instead-of-username", ["reset", "Nguyễn Văn A"], "Không có tài khoản “Nguyễn Văn A”"),
        C("two-usernames", ["reset", "quantri.thainguyen", "bientap.a"], "không hiểu tham số: bientap.a"),
    ],
    ("translations", None): [
        C("missing-action", [], "thiếu tham số bắt buộc: {sync,coverage}"),
        C("unknown-action", ["xoa"], "không có lựa chọn 'xoa'"),
    ],
    ("translations", "sync"): [C("unknown-option", ["sync", "--all"], "không hiểu tham số: --all")],
    ("translations", "coverage"): [C("extra-argument", ["coverage", "vi"], "không hiểu tham số: vi")],
    ("seed_demo", None): [
        C("extra-argument", ["--logins", "dong-dat"], "không hiểu tham số: dong-dat"),
        C("unknown-option", ["--password", "x"], "không hiểu tham số: --password x"),
    ],
    ("fix_slugs", None): [
        C("extra-argument", ["--dry-run", "tin-tuc"], "không hiểu tham số: tin-tuc"),
        C("unknown-option", ["--all"], "không hiểu tham số: --all"),
    ],
    ("flush_view_counts", None): [C("extra-argument", ["5"], "không hiểu tham số: 5")],
    ("renditions", None): [
        C("unknown-commune", ["--commune", "khong-co"], "Không tìm thấy xã/phường “khong-co”"),
        C("unknown-province-part", ["--commune", "bac-kan/dong-dat"], "Không tìm thấy xã/phường “bac-kan/dong-dat”"),
        C("commune-without-value", ["--commune"], "tham số --commune cần một giá trị"),
        C("extra-argument", ["dong-dat"], "không hiểu tham số: dong-dat"),
    ],
    ("tthc", None): [C("unknown-subcommand", ["xoa"], "không có lựa chọn 'xoa'")],
    ("tthc", "import"): [
        C("missing-province", ["import", "{file}"], "thiếu tham số bắt buộc: --province", file=("t.json", b"{}")),
        C("missing-file-argument", ["import", "--province", "thai-nguyen"], "thiếu tham số bắt buộc: TỆP"),
        C(
            "unknown-province",
            ["import", str(SAMPLE_FILE), "--province", "Bắc Kạn"],
            "Không tìm thấy tỉnh/thành phố “Bắc Kạn”",
        ),
        C("nonexistent-file", ["import", "{dir}/khong-co.json", "--province", "thai-nguyen"], "Không tìm thấy tệp"),
        C("directory", ["import", "{dir}", "--province", "thai-nguyen"], "là một thư mục"),
        C(
            "html-named-json",
            ["import", "{file}", "--province", "thai-nguyen"],
            "“t.json”",
            file=("t.json", HTML),
        ),
        C("html-named-xlsx", ["import", "{file}", "--province", "thai-nguyen"], "“t.xlsx”", file=("t.xlsx", HTML)),
        C(
            "binary-junk",
            ["import", "{file}", "--province", "thai-nguyen"],
            "không phải văn bản UTF-8",
            file=("t.csv", JUNK),
        ),
        C(
            "csv-missing-column",
            ["import", "{file}", "--province", "thai-nguyen"],
            "Dòng 1",
            "thiếu cột bắt buộc linhVuc",
            file=(
                "t.csv",
                csv_text(
                    [c for c in FLAT_COLUMNS if c != "linhVuc"],
                    [[BIRTH_ROW.get(c, "") for c in FLAT_COLUMNS if c != "linhVuc"]],
                ).encode(),
            ),
        ),
        C(
            "malformed-date",
            ["import", "{file}", "--province", "thai-nguyen"],
            "Dòng 2",
            "“31/02/2025”",
            file=("t.csv", tthc_csv(ngayCapNhat="31/02/2025")),
        ),
        C(
            "field-too-long",
            ["import", "{file}", "--province", "thai-nguyen"],
            "Dòng 2",
            "Lĩnh vực dài quá 200 ký tự",
            file=("t.csv", tthc_csv(linhVuc="Hộ tịch " * 30)),
        ),
        C(
            "bad-code",
            ["import", "{file}", "--province", "thai-nguyen", "--dry-run"],
            "Dòng 2",
            "“KS-01”",
            file=("t.csv", tthc_csv(maThuTuc="KS-01")),
        ),
    ],
    ("tthc", "export"): [
        C("missing-province", ["export"], "thiếu tham số bắt buộc: --province"),
        C("unknown-province", ["export", "--province", "Bắc Kạn"], "Không tìm thấy tỉnh/thành phố “Bắc Kạn”"),
        C("unknown-format", ["export", "--province", "thai-nguyen", "--format", "pdf"], "không có lựa chọn 'pdf'"),
        C(
            "output-in-a-missing-folder",
            ["export", "--province", "thai-nguyen", "-o", "{dir}/khong-co/danh-muc.json"],
            "Không ghi được tệp",
            "thư mục “",
            "/khong-co” không tồn tại",
        ),
        C(
            "output-is-a-folder",
            ["export", "--province", "thai-nguyen", "-o", "{dir}"],
            "Không ghi được tệp",
            "là một thư mục; hãy ghi kèm tên tệp",
        ),
    ],
    ("tthc", "generate"): [
        C("zero", ["generate", "0", "-o", "{dir}/t.json"], "từ 1 đến 100.000"),
        C("negative", ["generate", "-5", "-o", "{dir}/t.json"], "-5"),
        C("too-many", ["generate", "100001", "-o", "{dir}/t.json"], "từ 1 đến 100.000"),
        C("not-a-number", ["generate", "mười", "-o", "{dir}/t.json"], "tham số N: giá trị 'mười' không hợp lệ"),
        C("seed-not-a-number", ["generate", "5", "-o", "{dir}/t.json", "--seed", "x"], "giá trị 'x' không hợp lệ"),
        C("missing-output", ["generate", "5"], "thiếu tham số bắt buộc: -o/--output"),
        C(
            "output-in-a-missing-folder",
            ["generate", "5", "-o", "{dir}/khong-co/t.json"],
            "Không ghi được tệp",
            "không tồn tại",
        ),
    ],
    ("workshop", None): [
        C("missing-subcommand", [], "thiếu tham số bắt buộc: {create,list,reset,close,board,exercises}"),
        C("unknown-subcommand", ["xoa", "thu"], "không có lựa chọn 'xoa'"),
    ],
    ("workshop", "create"): [
        C(
            "missing-trainees",
            ["create", "--province", "thai-nguyen", "--name", "Lớp"],
            "thiếu tham số bắt buộc: --trainees",
        ),
        C(
            "unknown-province",
            ["create", "--province", "Hà Tây", "--name", "Lớp", "--trainees", "2"],
            "Không tìm thấy tỉnh/thành phố “Hà Tây”",
        ),
        C("empty-name", ["create", "--province", "thai-nguyen", "--name", " ", "--trainees", "2"], "Thiếu tên lớp"),
        C(
            "trainees-not-a-number",
            ["create", "--province", "thai-nguyen", "--name", "Lớp", "--trainees", "abc"],
            "Số học viên “abc” không phải là một số",
        ),
        C(
            "trainees-zero",
            ["create", "--province", "thai-nguyen", "--name", "Lớp", "--trainees", "0"],
            "từ 1 đến 60, không phải 0",
        ),
        C(
            "trainees-too-many",
            ["create", "--province", "thai-nguyen", "--name", "Lớp", "--trainees", "61"],
            "từ 1 đến 60, không phải 61",
        ),
        C(
            "date-that-does-not-exist",
            ["create", "--province", "thai-nguyen", "--name", "Lớp", "--trainees", "2", "--date", "31/02/2026"],
            "Ngày “31/02/2026” không hợp lệ",
        ),
        C(
            "date-in-iso-form",
            ["create", "--province", "thai-nguyen", "--name", "Lớp", "--trainees", "2", "--date", "2026-03-15"],
            "Ngày “2026-03-15” không hợp lệ",
            "ngày/tháng/năm",
        ),
        C(
            "code-taken",
            ["create", "--province", "thai-nguyen", "--name", "Lớp", "--trainees", "2", "--code", "thu"],
            "Mã lớp “thu” đã được dùng",
        ),
        C(
            "code-with-underscore",
            ["create", "--province", "thai-nguyen", "--name", "Lớp", "--trainees", "2", "--code", "lop_1"],
            "Mã lớp “lop_1” không hợp lệ",
        ),
        C(
            "unknown-template",
            ["create", "--province", "thai-nguyen", "--name", "Lớp", "--trainees", "2", "--template", "khong-co"],
            "Không tìm thấy xã/phường “khong-co”",
        ),
        C(
            "template-of-another-province",
            ["create", "--province", "thai-nguyen", "--name", "Lớp", "--trainees", "2", "--template", "tan-phu"],
            "Không tìm thấy xã/phường “tan-phu”",
        ),
        C(
            "practice-site-as-template",
            [
                *("create", "--province", "thai-nguyen", "--name", "Lớp", "--trainees", "2"),
                *("--template", "thuc-hanh-thu-01"),
            ],
            "Không dùng một trang thực hành làm mẫu",
        ),
        C(
            "unknown-exercise",
            [
                *("create", "--province", "thai-nguyen", "--name", "Lớp", "--trainees", "2"),
                *("--exercises", "category,nhay-mua"),
            ],
            "Bài tập không có trong danh sách: nhay-mua",
        ),
        C(
            "no-exercise",
            ["create", "--province", "thai-nguyen", "--name", "Lớp", "--trainees", "2", "--exercises", " , "],
            "cần ít nhất một bài tập",
        ),
        C(
            "cards-in-a-missing-folder",
            [
                *("create", "--province", "thai-nguyen", "--name", "Lớp", "--trainees", "2"),
                *("--cards", "{dir}/khong-co/the.html"),
            ],
            "Không ghi được tệp",
            "/khong-co” không tồn tại",
        ),
        C(
            "cards-is-a-folder",
            ["create", "--province", "thai-nguyen", "--name", "Lớp", "--trainees", "2", "--cards", "{dir}"],
            "là một thư mục",
        ),
    ],
    ("workshop", "list"): [
        C("unknown-province", ["list", "--province", "Hà Tây"], "Không tìm thấy tỉnh/thành phố “Hà Tây”"),
        C("extra-argument", ["list", "thu"], "không hiểu tham số: thu"),
    ],
    ("workshop", "reset"): [
        C("missing-workshop", ["reset"], "thiếu tham số bắt buộc: LỚP"),
        C("unknown-workshop", ["reset", "khong-co"], "Không tìm thấy lớp tập huấn “khong-co”"),
        C("unknown-province-part", ["reset", "bac-kan/thu"], "Không tìm thấy lớp tập huấn “bac-kan/thu”"),
        C(
            "trainee-out-of-range",
            ["reset", "thu", "--trainee", "2"],
            "không có học viên số 2 (có học viên số 1 đến 1)",
        ),
        C("trainee-zero", ["reset", "thu", "--trainee", "0"], "không có học viên số 0"),
        C("trainee-not-a-number", ["reset", "thu", "--trainee", "một"], "giá trị 'một' không hợp lệ"),
        C("closed-workshop", ["reset", "da-xong"], "Lớp “da-xong” đã kết thúc"),
    ],
    ("workshop", "close"): [
        C("missing-workshop", ["close", "--yes"], "thiếu tham số bắt buộc: LỚP"),
        C("unknown-workshop", ["close", "khong-co", "--yes"], "Không tìm thấy lớp tập huấn “khong-co”"),
        C("closed-workshop", ["close", "da-xong", "--yes"], "Lớp “da-xong” đã kết thúc", "không còn gì để xoá"),
        C("nobody-to-confirm", ["close", "thu"], "Kết thúc lớp “thu”", "hãy chạy lại với --yes"),
    ],
    ("workshop", "board"): [
        C("missing-workshop", ["board"], "thiếu tham số bắt buộc: LỚP"),
        C("unknown-workshop", ["board", "khong-co"], "Không tìm thấy lớp tập huấn “khong-co”"),
        C("two-workshops", ["board", "thu", "da-xong"], "không hiểu tham số: da-xong"),
    ],
    ("workshop", "exercises"): [C("extra-argument", ["exercises", "category"], "không hiểu tham số: category")],
    # Province alerts (pages.province_content): a fixed future announcement date keeps the 7-working-day case stable.
    ("province_alert", None): [C("unknown-subcommand", ["xoa"], "không có lựa chọn 'xoa'")],
    ("province_alert", "create"): [
        C(
            "missing-title",
            ["create", "--province", "thai-nguyen", "--kind", "thien-tai", "--expires", "01/01/2031 08:00"],
            "thiếu tham số bắt buộc: --title",
        ),
        C(
            "unknown-province",
            ["create", "--province", "Hà Tây", "--kind", "thien-tai", "--title", "Lũ", "--expires", "01/01/2031 08:00"],
            "Không tìm thấy tỉnh/thành phố “Hà Tây”",
        ),
        C(
            "unknown-kind",
            ["create", "--province", "thai-nguyen", "--kind", "bao", "--title", "Lũ", "--expires", "01/01/2031 08:00"],
            "Loại cảnh báo “bao” không có",
            "thien-tai",
        ),
        C(
            "impossible-date",
            [
                *("create", "--province", "thai-nguyen", "--kind", "su-co", "--title", "Lũ"),
                *("--expires", "31/02/2031 08:00"),
            ],
            "--expires: thời điểm “31/02/2031 08:00” không hợp lệ",
        ),
        C(
            "iso-date",
            ["create", "--province", "thai-nguyen", "--kind", "su-co", "--title", "Lũ", "--expires", "2031-01-01"],
            "ngày/tháng/năm giờ:phút",
        ),
        C(
            "expires-before-start",
            [
                *("create", "--province", "thai-nguyen", "--kind", "khac", "--title", "Lũ"),
                *("--starts", "02/01/2031 08:00", "--expires", "01/01/2031 08:00"),
            ],
            "--expires: Thời điểm hết hạn phải sau thời điểm bắt đầu hiện.",
        ),
        C(
            "title-too-long",
            [
                *("create", "--province", "thai-nguyen", "--kind", "khac", "--title", "Lũ " * 60),
                *("--expires", "01/01/2031 08:00"),
            ],
            "--title:",
            "150",
        ),
        C(
            "javascript-link",
            [
                *("create", "--province", "thai-nguyen", "--kind", "khac", "--title", "Lũ"),
                *("--expires", "01/01/2031 08:00", "--link", "javascript:alert(1)"),
            ],
            "--link:",
        ),
        C(
            "commune-of-another-province",
            [
                *("create", "--province", "thai-nguyen", "--kind", "khac", "--title", "Lũ"),
                *("--expires", "01/01/2031 08:00", "--communes", "dong-dat,tan-phu"),
            ],
            "Không tìm thấy xã/phường “tan-phu”",
        ),
        C(
            "no-commune-named",
            [
                *("create", "--province", "thai-nguyen", "--kind", "khac", "--title", "Lũ"),
                *("--expires", "01/01/2031 08:00", "--communes", " , "),
            ],
            "--communes: hãy ghi ít nhất một xã/phường",
        ),
        C(
            "outage-without-times",
            [
                *("create", "--province", "thai-nguyen", "--kind", "ngung-dich-vu", "--title", "Bảo trì"),
                *("--expires", "01/01/2031 08:00"),
            ],
            "--outage-start: Lịch ngừng cung cấp dịch vụ cần thời điểm bắt đầu ngừng.",
            "--restore:",
        ),
        C(
            "outage-too-soon",
            [
                *("create", "--province", "thai-nguyen", "--kind", "ngung-dich-vu", "--title", "Bảo trì"),
                *("--starts", "28/08/2031 09:00", "--expires", "05/09/2031 08:00"),
                *("--outage-start", "01/09/2031 08:00", "--restore", "01/09/2031 17:00"),
            ],
            "ít nhất 7 ngày làm việc",
            "Thông báo từ ngày 28/08/2031 thì sớm nhất được ngừng từ ngày",
        ),
        C(
            "restore-before-outage",
            [
                *("create", "--province", "thai-nguyen", "--kind", "ngung-dich-vu", "--title", "Bảo trì"),
                *("--starts", "28/08/2031 09:00", "--expires", "30/09/2031 08:00"),
                *("--outage-start", "20/09/2031 08:00", "--restore", "19/09/2031 17:00"),
            ],
            "--restore: Thời điểm dự kiến cung cấp lại phải sau thời điểm bắt đầu ngừng.",
        ),
    ],
    ("province_alert", "list"): [
        C("unknown-province", ["list", "--province", "Hà Tây"], "Không tìm thấy tỉnh/thành phố “Hà Tây”"),
        C("extra-argument", ["list", "thu"], "không hiểu tham số: thu"),
    ],
    ("province_alert", "withdraw"): [
        C("missing-alert", ["withdraw"], "thiếu tham số bắt buộc: SỐ"),
        C("not-a-number", ["withdraw", "một"], "Không tìm thấy cảnh báo số “một”"),
        C("unknown-alert", ["withdraw", "999999"], "Không tìm thấy cảnh báo số “999999”"),
    ],
    # Province oversight (oversight): the report file and the review reminders.
    ("oversight", None): [
        C("missing-subcommand", [], "thiếu tham số bắt buộc: {report}"),
        C("unknown-subcommand", ["xoa"], "không có lựa chọn 'xoa'"),
    ],
    ("oversight", "report"): [
        C("missing-province", ["report", "-o", "{dir}/t.xlsx"], "thiếu tham số bắt buộc: --province"),
        C("missing-output", ["report", "--province", "thai-nguyen"], "thiếu tham số bắt buộc: -o/--output"),
        C(
            "unknown-province",
            ["report", "--province", "Hà Tây", "-o", "{dir}/t.xlsx"],
            "Không tìm thấy tỉnh/thành phố “Hà Tây”",
        ),
        C(
            "impossible-date",
            ["report", "--province", "thai-nguyen", "--from", "31/02/2026", "--to", "01/03/2026", "-o", "{dir}/t.csv"],
            "Ngày “31/02/2026” không hợp lệ",
        ),
        C(
            "iso-date",
            ["report", "--province", "thai-nguyen", "--from", "2026-01-01", "--to", "31/03/2026", "-o", "{dir}/t.csv"],
            "ngày/tháng/năm",
        ),
        C(
            "only-from",
            ["report", "--province", "thai-nguyen", "--from", "01/01/2026", "-o", "{dir}/t.csv"],
            "cả --from và --to",
        ),
        C(
            "from-after-to",
            ["report", "--province", "thai-nguyen", "--from", "01/04/2026", "--to", "01/03/2026", "-o", "{dir}/t.csv"],
            "sau ngày kết thúc",
        ),
        C(
            "pdf",
            ["report", "--province", "thai-nguyen", "-o", "{dir}/t.pdf"],
            "chỉ ghi được tệp .xlsx (Excel) hoặc .csv",
        ),
        C("output-is-a-folder", ["report", "--province", "thai-nguyen", "-o", "{dir}"], "là một thư mục"),
        C(
            "output-in-a-missing-folder",
            ["report", "--province", "thai-nguyen", "-o", "{dir}/khong-co/t.xlsx"],
            "/khong-co” không tồn tại",
        ),
    ],
    ("review_reminders", None): [
        C("unknown-commune", ["--commune", "khong-co"], "Không tìm thấy xã/phường “khong-co”"),
        C("commune-without-value", ["--commune"], "tham số --commune cần một giá trị"),
        C("practice-site", ["--commune", "thuc-hanh-thu-01"], "là trang thực hành"),
        C("extra-argument", ["dong-dat"], "không hiểu tham số: dong-dat"),
    ],
    # Public holidays (pages.disclosures): dates dd/mm/yyyy; 02/09/2026 is on the list from the migration's seed.
    ("holidays", None): [C("unknown-subcommand", ["xoa"], "không có lựa chọn 'xoa'")],
    ("holidays", "list"): [
        C("year-not-a-number", ["list", "--year", "hai"], "giá trị 'hai' không hợp lệ"),
        C("year-zero", ["list", "--year", "0"], "Năm “0” không hợp lệ"),
        C("extra-argument", ["list", "2026"], "không hiểu tham số: 2026"),
    ],
    ("holidays", "add"): [
        C("missing-arguments", ["add"], "thiếu tham số bắt buộc: NGÀY, TÊN"),
        C("impossible-date", ["add", "31/02/2026", "Ngày lạ"], "Ngày “31/02/2026” không hợp lệ", "ngày/tháng/năm"),
        C("iso-date", ["add", "2026-10-03", "Nghỉ bù"], "Ngày “2026-10-03” không hợp lệ"),
        C("already-listed", ["add", "02/09/2026", "Quốc khánh"], "Ngày 02/09/2026 đã có trong danh sách"),
        C("blank-name", ["add", "03/10/2026", "   "], "Tên ngày nghỉ không được để trống"),
        C("name-too-long", ["add", "03/10/2026", "Nghỉ " * 40], "dài quá 150 ký tự"),
        C("name-with-nul", ["add", "03/10/2026", "Nghỉ\x00bù"], "ký tự điều khiển"),
    ],
    ("holidays", "remove"): [
        C("missing-date", ["remove"], "thiếu tham số bắt buộc: NGÀY"),
        C("not-listed", ["remove", "03/10/2026"], "Ngày 03/10/2026 không có trong danh sách"),
        C("bad-date", ["remove", "3/13/2026"], "Ngày “3/13/2026” không hợp lệ"),
    ],
    ("holidays", "import"): [
        C("missing-file-argument", ["import"], "thiếu tham số bắt buộc: TỆP"),
        C("missing-file", ["import", "{dir}/khong-co.csv"], "Không tìm thấy tệp"),
        C("directory", ["import", "{dir}"], "là một thư mục"),
        C("binary-junk", ["import", "{file}"], "không phải văn bản UTF-8", file=("nghi.csv", JUNK)),
        C("empty-file", ["import", "{file}"], "không có dòng ngày nghỉ nào", file=("nghi.csv", b"ngay,ten\n")),
        C("html-named-csv", ["import", "{file}"], "Dòng 1", "cần đúng 2 cột", file=("nghi.csv", HTML)),
        C(
            "bad-date-on-line-3",
            ["import", "{file}"],
            "Dòng 3",
            "“30/02/2027”",
            file=("nghi.csv", "ngay,ten\n03/10/2026,Nghỉ bù\n30/02/2027,Ngày lạ\n".encode()),
        ),
        C(
            "three-columns",
            ["import", "{file}"],
            "Dòng 2",
            "cần đúng 2 cột",
            file=("nghi.csv", "ngay,ten\n03/10/2026,Nghỉ bù,thừa\n".encode()),
        ),
        C(
            "same-date-twice",
            ["import", "{file}"],
            "Dòng 2",
            "đã có ở dòng 1",
            file=("nghi.csv", "03/10/2026,Nghỉ bù\n03/10/2026,Nghỉ bù lần hai\n".encode()),
        ),
        C(
            "listed-under-another-name",
            ["import", "{file}"],
            "Dòng 2",
            "đã có trong danh sách với tên “Quốc khánh”",
            file=("nghi.csv", "03/10/2026,Nghỉ bù\n02/09/2026,Lễ độc lập\n".encode()),
        ),
    ],
}


# --- Which commands the project has --------------------------------------------------------------------


def _is_project_app(app_name: str) -> bool:
    try:
        path = Path(next(c for c in apps.get_app_configs() if c.name == app_name).path).resolve()
    except StopIteration:
        return False
    root = Path(settings.BASE_DIR).resolve()
    return path.is_relative_to(root) and not {".venv", "site-packages"} & set(path.relative_to(root).parts)


def project_commands() -> dict[str, str]:
    """Command name -> app name, for the commands of this repository's apps."""
    return {name: app for name, app in get_commands().items() if _is_project_app(app)}


def command_instance(name: str):
    return load_command_class(project_commands()[name], name)


def subcommands(name: str) -> list[str | None]:
    """The command's subcommands (subparsers, or the choices of a positional action); [None] if it has none."""
    parser = command_instance(name).create_parser("manage.py", name)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return sorted(action.choices)
        if not action.option_strings and action.choices:
            return sorted(action.choices)
    return [None]


def test_every_command_and_subcommand_has_bad_input_cases():
    commands = project_commands()
    assert {"commune", "tthc", "two_factor", "seed_demo"} <= set(commands)  # the filter finds the project's apps
    assert "migrate" not in commands and "createsuperuser" not in commands
    needed = {(name, sub) for name in commands for sub in subcommands(name)}
    missing = sorted(needed - set(CASES), key=str)
    assert not missing, f"commands/subcommands without bad-input cases (add them to CASES): {missing}"
    stale = sorted({key for key in CASES if key[1] is not None} - needed, key=str)
    assert not stale, f"CASES for commands/subcommands that no longer exist: {stale}"
    assert all(name in commands for name, _ in CASES)


# --- The data the commands could damage -----------------------------------------------------------------


COUNTED = (
    Province,
    Commune,
    FormerUnit,
    Site,
    Page,
    Collection,
    Group,
    GroupPagePermission,
    Workflow,
    get_user_model(),
    TOTPDevice,
    Procedure,
    CommuneProcedure,
    get_image_model(),
    get_document_model(),
    Redirect,
    ModelLogEntry,
    PageLogEntry,
    Workshop,
    Exercise,
    Trainee,
    PublicHoliday,
    ProvinceAlert,
)


def counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in COUNTED}


def passwords() -> dict[str, str]:
    return dict(get_user_model().objects.values_list("username", "password"))


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Two provinces with communes, officers, an operator, 2FA devices, a catalogue and two workshops (one open,
    one closed); rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        clear_cache()
        province_a = ProvinceFactory(name="Thái Nguyên", domain="thainguyen.gov.vn")
        province_b = ProvinceFactory(name="Quảng Ngãi", domain="quangngai.gov.vn")
        add_catalogue_procedure(province_a)
        commune_a = CommuneFactory(province=province_a, name="Động Đạt", code="01234")
        CommuneFactory(province=province_a, name="Phú Lương")
        commune_b = CommuneFactory(province=province_b, name="Tân Phú")
        make_officer(commune_a, "editor", username="bientap.a")
        make_officer(commune_b, "editor", username="bientap.b")
        make_province_admin(province_a, username="quantri.thainguyen")
        add_totp_device(make_superuser())
        # Workshops: "thu" open with one seat, "da-xong" closed.
        workshop_create(WorkshopRequest(province=province_a, name="Tập huấn thử", trainees=1, slug="thu"))
        closed = workshop_create(WorkshopRequest(province=province_a, name="Lớp đã xong", trainees=1, slug="da-xong"))
        workshop_close(closed)
        yield
        transaction.set_rollback(True)
    clear_cache()


# --- Bad values: a Vietnamese CommandError, nothing written -----------------------------------------------


def assert_vietnamese(message: str) -> None:
    assert VIETNAMESE.search(message), f"not Vietnamese: {message!r}"
    english = [word for word in ENGLISH if word in message]
    assert not english, f"English in the message ({english}): {message!r}"


def _all_cases():
    for (command, sub), cases in CASES.items():
        for case in cases:
            yield pytest.param(command, case, id=f"{command}-{sub or '_'}-{case.id}")


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("command, case", list(_all_cases()))
def test_bad_values_are_refused_in_vietnamese_and_nothing_is_written(db, tmp_path, command, case):
    file = ""
    if case.file is not None:
        name, content = case.file
        (tmp_path / name).write_bytes(content)
        file = str(tmp_path / name)
    args = [arg.replace("{file}", file).replace("{dir}", str(tmp_path)) for arg in case.args]
    files_before = sorted(tmp_path.rglob("*"))
    before, hashes = counts(), passwords()

    with pytest.raises(CommandError) as caught:
        call_command(command, *args, stdout=io.StringIO(), stderr=io.StringIO())

    message = str(caught.value)
    assert_vietnamese(message)
    for fragment in case.says:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert counts() == before
    assert passwords() == hashes  # no account's password was changed either
    assert sorted(tmp_path.rglob("*")) == files_before  # no file written


# --- From a terminal: the same refusal on stderr, exit status 2, never argparse's English ------------------


def _terminal_cases():
    for name in sorted(project_commands()):
        for sub in subcommands(name):
            yield pytest.param(name, sub, id=f"{name}-{sub or '_'}")


@pytest.mark.parametrize("name, sub", list(_terminal_cases()))
def test_unknown_option_from_a_terminal_exits_2_with_a_vietnamese_message(db, capsys, name, sub):
    command = command_instance(name)
    command._called_from_command_line = True
    parser = command.create_parser("manage.py", name)
    argv = [sub] if sub else []
    with pytest.raises(SystemExit) as exit_info:
        parser.parse_args([*argv, "--khong-co-tuy-chon"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "không hiểu tham số: --khong-co-tuy-chon" in err or "thiếu tham số bắt buộc" in err, err
    assert "Cách dùng:" in err and "lỗi:" in err
    assert_vietnamese(err.replace("--khong-co-tuy-chon", ""))


def test_missing_arguments_from_a_terminal_exit_2_and_name_them(db, capsys):
    command = command_instance("commune")
    command._called_from_command_line = True
    parser = command.create_parser("manage.py", "commune")
    with pytest.raises(SystemExit) as exit_info:
        parser.parse_args(["officer", "--commune", "dong-dat"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "lỗi: thiếu tham số bắt buộc: --username, --email, --role" in err
    assert_vietnamese(err)
