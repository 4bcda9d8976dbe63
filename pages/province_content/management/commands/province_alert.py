"""`manage.py province_alert ...`: post, list and withdraw a province's alerts to its communes."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils import timezone
from tqdm import tqdm

from pages.province_content import services
from pages.province_content.models import AlertKind, ProvinceAlert
from sites import services as site_services
from sites.management.commands.commune import VietnameseCommand, VietnameseParser, format_table

DATETIME_FORMAT = "%d/%m/%Y %H:%M"
# What a person types for --kind (without diacritics), besides the stored values.
KIND_NAMES = {
    "thien-tai": AlertKind.DISASTER,
    "su-co": AlertKind.INCIDENT,
    "dich-benh": AlertKind.EPIDEMIC,
    "khac": AlertKind.OTHER,
    "ngung-dich-vu": AlertKind.PLANNED_OUTAGE,
    **{kind.value: kind for kind in AlertKind},
}
FIELD_LABELS = {
    "kind": "--kind",
    "title": "--title",
    "text": "--text",
    "link_url": "--link",
    "starts_at": "--starts",
    "expires_at": "--expires",
    "outage_starts_at": "--outage-start",
    "restore_expected_at": "--restore",
    "communes": "--communes",
}


def parse_moment(value: str | None, option: str):
    if value is None:
        return None
    try:
        moment = datetime.strptime(value.strip(), DATETIME_FORMAT)
    except ValueError:
        raise CommandError(
            f"{option}: thời điểm “{value}” không hợp lệ; hãy ghi theo dạng ngày/tháng/năm giờ:phút, "
            "ví dụ 15/09/2026 22:00."
        ) from None
    return timezone.make_aware(moment)


def parse_kind(value: str) -> str:
    kind = KIND_NAMES.get((value or "").strip().lower())
    if kind is None:
        raise CommandError(f"Loại cảnh báo “{value}” không có; chọn một trong: {', '.join(list(KIND_NAMES)[:5])}.")
    return kind


def validation_text(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        parts = []
        for field, errors in error.message_dict.items():
            label = FIELD_LABELS.get(field, "")
            parts += [f"{label}: {message}" if label else message for message in errors]
        return " ".join(parts)
    return " ".join(error.messages)


def local_time(value) -> str:
    return timezone.localtime(value).strftime(DATETIME_FORMAT) if value else ""


class Command(VietnameseCommand):
    help = (
        "Cảnh báo của tỉnh tới các xã/phường (thiên tai, sự cố, dịch bệnh, lịch ngừng cung cấp dịch vụ): "
        "đăng, xem danh sách và thu hồi."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(
            dest="action",
            required=True,
            title="Lệnh con",
            metavar="{create,list,withdraw}",
            parser_class=VietnameseParser,
        )
        create = actions.add_parser(
            "create",
            help="Đăng cảnh báo tới mọi xã/phường của tỉnh, hoặc các xã/phường chọn bằng --communes.",
            description=(
                "Đăng cảnh báo của tỉnh. Lịch ngừng cung cấp dịch vụ (--kind ngung-dich-vu) cần --outage-start và "
                "--restore, và phải đăng trước ít nhất 7 ngày làm việc. Có lỗi thì không ghi gì."
            ),
        )
        create.add_argument("--province", required=True, metavar="TỈNH", help="Tỉnh/thành phố: tên hoặc đường dẫn.")
        create.add_argument(
            "--kind", required=True, metavar="LOẠI", help="thien-tai, su-co, dich-benh, khac hoặc ngung-dich-vu."
        )
        create.add_argument("--title", required=True, metavar="TIÊU_ĐỀ", help="Tiêu đề ngắn gọn của cảnh báo.")
        create.add_argument(
            "--expires", required=True, metavar="THỜI_ĐIỂM", help="Hết hạn lúc, dạng “15/09/2026 22:00”."
        )
        create.add_argument("--text", default="", metavar="NỘI_DUNG", help="Một hai câu nội dung (không bắt buộc).")
        create.add_argument(
            "--link", default="", metavar="ĐỊA_CHỈ", help="Liên kết xem chi tiết (http:// hoặc https://)."
        )
        create.add_argument("--starts", metavar="THỜI_ĐIỂM", help="Hiện từ (mặc định: ngay bây giờ).")
        create.add_argument(
            "--communes",
            metavar="XÃ,XÃ",
            help="Các xã/phường nhận cảnh báo (đường dẫn, cách nhau bởi dấu phẩy). Bỏ trống: mọi xã/phường của tỉnh.",
        )
        create.add_argument("--outage-start", metavar="THỜI_ĐIỂM", help="Lịch ngừng dịch vụ: ngừng từ lúc nào.")
        create.add_argument("--restore", metavar="THỜI_ĐIỂM", help="Lịch ngừng dịch vụ: dự kiến cung cấp lại lúc nào.")

        lst = actions.add_parser("list", help="Xem danh sách cảnh báo.", description="Xem danh sách cảnh báo của tỉnh.")
        lst.add_argument("--province", metavar="TỈNH", help="Chỉ xem cảnh báo của tỉnh này.")

        withdraw = actions.add_parser(
            "withdraw",
            help="Thu hồi một cảnh báo: biến khỏi trang mọi xã/phường ngay.",
            description="Thu hồi cảnh báo (số thứ tự xem bằng lệnh list). Bản ghi vẫn được giữ lại.",
        )
        withdraw.add_argument("alert", metavar="SỐ", help="Số của cảnh báo (cột “Số” của lệnh list).")

    def handle(self, *args, action, **options):
        try:
            getattr(self, "handle_" + action)(**options)
        except site_services.ServiceError as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError(f"Chưa đăng được cảnh báo: {validation_text(exc)}") from None

    def handle_create(
        self, *, province, kind, title, expires, text, link, starts, communes, outage_start, restore, **_
    ):
        province = site_services.resolve_province(province)
        fields = {
            "kind": parse_kind(kind),
            "title": title.strip(),
            "text": text.strip(),
            "link_url": link.strip(),
            "expires_at": parse_moment(expires, "--expires"),
            "starts_at": parse_moment(starts, "--starts") or timezone.now(),
            "outage_starts_at": parse_moment(outage_start, "--outage-start"),
            "restore_expected_at": parse_moment(restore, "--restore"),
        }
        names = [part.strip() for part in (communes or "").split(",") if part.strip()]
        if communes is not None and not names:
            raise CommandError(
                "--communes: hãy ghi ít nhất một xã/phường, hoặc bỏ tùy chọn này để gửi tới mọi xã/phường."
            )
        targets = [site_services.resolve_commune(name, province=province) for name in names]
        alert = services.alert_publish(province=province, communes=targets, all_communes=not targets, **fields)
        where = "mọi xã/phường của tỉnh" if alert.all_communes else ", ".join(c.full_name for c in targets)
        self.stdout.write(self.style.SUCCESS(f"Đã đăng cảnh báo số {alert.pk} “{alert.title}” tới {where}."))

    def handle_list(self, *, province, **_):
        alerts = ProvinceAlert.objects.select_related("province").prefetch_related("communes").order_by("-starts_at")
        if province:
            alerts = alerts.filter(province=site_services.resolve_province(province))
        rows = []
        for alert in tqdm(alerts, desc="Đọc", unit=" cảnh báo", file=self.stderr, disable=len(alerts) < 200):
            targets = "Tất cả" if alert.all_communes else ", ".join(c.name for c in alert.communes.all())
            rows.append(
                [
                    str(alert.pk),
                    alert.province.name,
                    alert.get_kind_display(),
                    alert.title,
                    targets,
                    local_time(alert.starts_at),
                    local_time(alert.expires_at),
                    str(alert.status_label()),
                ]
            )
        headers = ["Số", "Tỉnh", "Loại", "Tiêu đề", "Gửi tới", "Hiện từ", "Hết hạn", "Tình trạng"]
        self.stdout.write(format_table(headers, rows) if rows else "Chưa có cảnh báo nào.")

    def handle_withdraw(self, *, alert, **_):
        try:
            found = ProvinceAlert.objects.filter(pk=int(alert)).first()
        except ValueError:
            found = None
        if found is None:
            raise CommandError(f"Không tìm thấy cảnh báo số “{alert}”; xem các số bằng lệnh: province_alert list.")
        if found.withdrawn_at:
            raise CommandError(f"Cảnh báo số {found.pk} “{found.title}” đã được thu hồi từ trước.")
        services.alert_withdraw(found)
        self.stdout.write(self.style.SUCCESS(f"Đã thu hồi cảnh báo số {found.pk} “{found.title}”."))
