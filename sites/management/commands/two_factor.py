"""`manage.py two_factor reset <tên đăng nhập>`: the operator's recovery for a lost phone."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils import timezone

from sites import two_factor
from sites.management.commands.commune import VietnameseCommand, VietnameseParser
from sites.tenancy import scope_for_user


def _role(user) -> str:
    if user.is_superuser:
        return "vận hành hệ thống"
    scope = scope_for_user(user)
    if scope.is_province_admin:
        return "quản trị viên tỉnh"
    if scope.is_officer:
        return "cán bộ xã/phường"
    return "tài khoản"


class Command(VietnameseCommand):
    help = (
        "Xác thực hai lớp: đặt lại (xóa ứng dụng xác thực đã đăng ký) cho một tài khoản bị mất điện thoại. "
        "Chỉ người vận hành hệ thống chạy lệnh này, sau khi đã xác minh đúng người."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(
            dest="action", required=True, title="Lệnh con", metavar="{reset}", parser_class=VietnameseParser
        )
        reset = actions.add_parser(
            "reset",
            help="Xóa ứng dụng xác thực đã đăng ký của một tài khoản để tài khoản thiết lập lại.",
            description=(
                "Xóa mọi ứng dụng xác thực đã đăng ký của tài khoản. Quản trị viên tỉnh và vận hành hệ thống "
                "sẽ phải thiết lập lại ở lần đăng nhập tới; cán bộ xã thì trở lại chỉ dùng mật khẩu."
            ),
        )
        reset.add_argument("username", metavar="TÊN_ĐĂNG_NHẬP", help="Tên đăng nhập của tài khoản cần đặt lại.")

    def handle(self, *args, **options):
        username = options["username"]
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản “{username}”.")
        removed = two_factor.reset(user)
        when = timezone.localtime().strftime("%d/%m/%Y %H:%M")
        role = _role(user)
        if removed == 0:
            self.stdout.write(f"Tài khoản {username} ({role}) chưa đăng ký ứng dụng xác thực nào; không có gì để xóa.")
            return
        then = (
            "Ở lần đăng nhập tới, tài khoản phải thiết lập lại xác thực hai lớp trước khi vào trang quản trị."
            if two_factor.is_required(user)
            else "Từ lần đăng nhập tới, tài khoản chỉ cần mật khẩu cho tới khi tự bật lại xác thực hai lớp."
        )
        self.stdout.write(
            f"Đã đặt lại xác thực hai lớp cho tài khoản {username} ({role}): xóa {removed} ứng dụng xác thực "
            f"đã đăng ký, lúc {when}. {then} Hãy ghi lại ai đã yêu cầu và đã xác minh người đó thế nào."
        )
