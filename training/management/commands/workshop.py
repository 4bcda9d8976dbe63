"""`manage.py workshop ...`: set up a training workshop's practice sites, follow progress, reset and close it."""

from __future__ import annotations

import re
import sys
from datetime import datetime
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.management.base import CommandError
from django.template.loader import render_to_string
from django.utils import timezone
from tqdm import tqdm

from sites import services as site_services
from sites.management.commands.commune import VietnameseCommand, VietnameseParser, format_table
from sites.text import os_error_text
from training import services
from training.exercises import DEFAULT_EXERCISES, EXERCISES
from training.models import Workshop

DATE_FORMAT = "%d/%m/%Y"
DONE, NOT_DONE = "✓", "–"
# The admin's printable sheet (8 cards an A4 page), written to a file with its stylesheet and script inside.
CARDS_TEMPLATE = "training/admin/workshop_cards.html"
CARDS_ASSETS = {
    "training/cards.css": (re.compile(r'<link[^>]*href="[^"]*training/cards(?:\.[0-9a-f]+)?\.css"[^>]*>'), "style"),
    "training/cards.js": (
        re.compile(r'<script[^>]*src="[^"]*training/cards(?:\.[0-9a-f]+)?\.js"[^>]*></script>'),
        "script",
    ),
}


def parse_date(value: str | None):
    if not value:
        return None
    try:
        return datetime.strptime(value.strip(), DATE_FORMAT).date()
    except ValueError:
        raise CommandError(
            f"Ngày “{value}” không hợp lệ; hãy ghi theo dạng ngày/tháng/năm, ví dụ 15/03/2026."
        ) from None


def split_kinds(value: str | None) -> tuple[str, ...]:
    if value is None:
        return DEFAULT_EXERCISES
    return tuple(part.strip() for part in value.split(",") if part.strip())


def check_output_path(value: str) -> Path:
    """The sheet is written after the sites are made: refuse a path that cannot be written before making any."""
    path = Path(value)
    if path.is_dir():
        raise CommandError(
            f"Không ghi được tệp “{value}”: đó là một thư mục; hãy ghi kèm tên tệp, ví dụ the-dang-nhap.html."
        )
    if not path.parent.is_dir():
        raise CommandError(f"Không ghi được tệp “{value}”: thư mục “{path.parent}” không tồn tại.")
    return path


def render_cards(workshop: Workshop) -> str:
    """The admin's login-card sheet, self-contained: opened from a file, /static/ would not resolve."""
    from training.admin_views import CARDS_PER_SHEET, url

    trainees = [t for t in workshop.trainees.order_by("number") if t.card_password and t.site_url]
    sheets = [trainees[i : i + CARDS_PER_SHEET] for i in range(0, len(trainees), CARDS_PER_SHEET)]
    html = render_to_string(
        CARDS_TEMPLATE,
        {"workshop": workshop, "trainees": trainees, "sheets": sheets, "board_url": url("detail", workshop.pk)},
    )
    for asset, (tag, element) in CARDS_ASSETS.items():
        found = finders.find(asset)
        if found:
            content = Path(found).read_text(encoding="utf-8")
            html = tag.sub(lambda _match, c=content, e=element: f"<{e}>\n{c}\n</{e}>", html, count=1)
    return html


def local_time(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


class Command(VietnameseCommand):
    # call_command(..., stdin=...) answers the confirmation of `close` (tests); a terminal uses sys.stdin.
    stealth_options = ("stdin",)
    help = (
        "Lớp tập huấn: tạo trang thực hành và tài khoản cho học viên, xem tiến độ bài tập, "
        "đặt lại trang thực hành và kết thúc lớp."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(
            dest="action",
            required=True,
            title="Lệnh con",
            metavar="{create,list,reset,close,board,exercises}",
            parser_class=VietnameseParser,
        )

        create = actions.add_parser(
            "create",
            help="Tạo lớp tập huấn: mỗi học viên một trang thực hành (bản sao của một xã mẫu) và một tài khoản.",
            description=(
                "Tạo lớp tập huấn. Mỗi học viên có một trang thực hành sao từ xã/phường mẫu và một tài khoản chỉ "
                "vào được trang đó. Mọi tham số được kiểm tra trước khi ghi; có lỗi thì không tạo gì."
            ),
        )
        create.add_argument("--province", required=True, metavar="TỈNH", help="Tỉnh/thành phố: tên hoặc đường dẫn.")
        create.add_argument("--name", required=True, metavar="TÊN", help="Tên lớp, ví dụ “Tập huấn quản trị trang xã”.")
        create.add_argument(
            "--trainees", required=True, metavar="SỐ", help=f"Số học viên, từ 1 đến {services.MAX_TRAINEES}."
        )
        create.add_argument("--date", metavar="NGÀY", help="Ngày tập huấn, dạng ngày/tháng/năm, ví dụ 15/03/2026.")
        create.add_argument(
            "--code",
            default="",
            metavar="MÃ",
            help="Mã lớp dùng trong tên miền và tên đăng nhập (mặc định: tên lớp viết không dấu).",
        )
        create.add_argument(
            "--template",
            metavar="XÃ",
            help="Xã/phường mẫu trong tỉnh (mặc định: xã/phường đầu tiên đang hoạt động của tỉnh).",
        )
        create.add_argument(
            "--exercises",
            metavar="BÀI_TẬP",
            help="Danh sách bài tập, cách nhau bởi dấu phẩy, theo thứ tự (xem: workshop exercises). "
            f"Mặc định: {','.join(DEFAULT_EXERCISES)}.",
        )
        create.add_argument("--cards", metavar="TỆP", help="Ghi tờ thẻ đăng nhập (khổ A4, để in) ra tệp HTML này.")

        lst = actions.add_parser("list", help="Xem danh sách lớp tập huấn.", description="Xem danh sách lớp tập huấn.")
        lst.add_argument("--province", metavar="TỈNH", help="Chỉ xem các lớp của tỉnh này.")

        reset = actions.add_parser(
            "reset",
            help="Đặt lại trang thực hành về nội dung mẫu (cả lớp, hoặc một học viên với --trainee).",
            description=(
                "Đặt lại trang thực hành về nội dung của xã mẫu. Tài khoản và mật khẩu trên thẻ của học viên giữ "
                "nguyên; tiến độ bài tập được tính lại từ đầu."
            ),
        )
        reset.add_argument("workshop", metavar="LỚP", help="Mã lớp, hoặc tỉnh/mã lớp khi hai tỉnh trùng mã.")
        reset.add_argument("--trainee", type=int, metavar="SỐ", help="Chỉ đặt lại trang của học viên số này.")

        close = actions.add_parser(
            "close",
            help="Kết thúc lớp: xoá hẳn mọi trang thực hành và tài khoản học viên, giữ bảng kết quả.",
            description=(
                "Kết thúc lớp tập huấn: xoá hẳn trang thực hành, tệp và tài khoản của học viên; chỉ giữ bảng kết "
                "quả (ai đã làm xong bài nào). Không hoàn tác được."
            ),
        )
        close.add_argument("workshop", metavar="LỚP", help="Mã lớp, hoặc tỉnh/mã lớp khi hai tỉnh trùng mã.")
        close.add_argument("--yes", action="store_true", help="Không hỏi lại (dùng khi chạy tự động).")

        board = actions.add_parser(
            "board",
            help="Xem tiến độ: mỗi học viên một dòng, mỗi bài tập một cột.",
            description="Xem tiến độ của lớp: ✓ là đã làm xong, – là chưa; banner ghi số vị trí đã đổi.",
        )
        board.add_argument("workshop", metavar="LỚP", help="Mã lớp, hoặc tỉnh/mã lớp khi hai tỉnh trùng mã.")

        actions.add_parser(
            "exercises",
            help="Xem các bài tập có thể giao và cách hệ thống nhận biết học viên đã làm xong.",
            description="Xem các bài tập có thể giao cho lớp tập huấn.",
        )

    def handle(self, *args, action, **options):
        handler = getattr(self, "handle_" + action)
        try:
            handler(**options)
        except site_services.ServiceError as exc:
            raise CommandError(str(exc)) from None

    # --- Progress ---------------------------------------------------------------------------------

    def _progress(self, description: str, unit: str, verbosity: int, bars: list):
        """A progress(done, total) callback: the bar appears with the first finished seat."""

        def progress(done, total):
            if not bars:
                bars.append(
                    tqdm(
                        total=total,
                        desc=description,
                        unit=unit,
                        file=getattr(self.stderr, "_out", sys.stderr),
                        disable=verbosity == 0,
                    )
                )
            bars[0].update(done - bars[0].n)

        return progress

    def _run_with_progress(self, func, description, unit, verbosity, interrupted):
        bars = []
        try:
            return func(self._progress(description, unit, verbosity, bars))
        except KeyboardInterrupt:
            done = bars[0].n if bars else 0
            raise CommandError(interrupted.format(done=done)) from None
        finally:
            for bar in bars:
                bar.close()

    # --- create ---------------------------------------------------------------------------------

    def _create(self, request, verbosity) -> Workshop:
        bars = []
        try:
            return services.workshop_create(
                request, progress=self._progress("Đang tạo trang thực hành", " học viên", verbosity, bars)
            )
        except KeyboardInterrupt:
            # workshop_create undoes a failure but not Ctrl+C: take away the seats made so far, all or nothing.
            partial = Workshop.objects.filter(province=request.province, slug=request.slug).first()
            if partial is not None:
                services.workshop_delete(partial)
            raise CommandError(
                "Đã dừng giữa chừng; các trang thực hành vừa tạo đã được xoá, chưa có lớp nào. "
                "Chạy lại lệnh để tạo lớp."
            ) from None
        finally:
            for bar in bars:
                bar.close()

    def handle_create(self, *, province, name, trainees, date, code, template, exercises, cards, verbosity, **_):
        province = site_services.resolve_province(province)
        day = parse_date(date)
        template_commune = site_services.resolve_commune(template, province=province) if template else None
        cards_path = check_output_path(cards) if cards else None
        request = services.check_request(
            services.WorkshopRequest(
                province=province,
                name=name,
                trainees=trainees,
                slug=code,
                date=day,
                template=template_commune,
                exercises=split_kinds(exercises),
            )
        )
        try:
            workshop = self._create(request, verbosity)
        except OSError as exc:
            # A file of the template that storage cannot read (or a full disk): the seats made so far are gone.
            name = f" “{exc.filename}”" if getattr(exc, "filename", None) else ""
            raise CommandError(
                f"Không tạo được lớp: lỗi đọc/ghi tệp{name} ({os_error_text(exc)}). Chưa có gì được ghi lại."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tạo lớp “{workshop.name}” ({workshop.province.slug}/{workshop.slug}): "
                f"{workshop.trainees.count()} học viên, mẫu {workshop.template_name}."
            )
        )
        rows = [
            [f"{t.number:02d}", t.site_url, t.username, t.card_password] for t in workshop.trainees.order_by("number")
        ]
        self.stdout.write(format_table(["Số", "Trang thực hành", "Tên đăng nhập", "Mật khẩu"], rows))
        self.stdout.write("Học viên đăng nhập tại <trang thực hành>admin/ bằng tên và mật khẩu trên.")
        if cards_path is not None:
            try:
                cards_path.write_text(render_cards(workshop), encoding="utf-8")
            except OSError as exc:
                raise CommandError(
                    f"Lớp đã được tạo nhưng không ghi được tệp thẻ “{cards_path}”: {os_error_text(exc)}"
                ) from None
            self.stdout.write(f"Đã ghi tờ thẻ đăng nhập (A4): {cards_path}")
        self.stdout.write(f"Theo dõi tiến độ: manage.py workshop board {workshop.province.slug}/{workshop.slug}")

    # --- list -----------------------------------------------------------------------------------

    def handle_list(self, *, province, **_):
        workshops = Workshop.objects.select_related("province").order_by("province__slug", "-created_at")
        if province:
            workshops = workshops.filter(province=site_services.resolve_province(province))
        rows = [
            [
                f"{w.province.slug}/{w.slug}",
                w.name,
                w.province.name,
                w.date.strftime(DATE_FORMAT) if w.date else "",
                str(w.trainees.count() if w.is_open else len(w.summary.get("trainees", []))),
                w.get_status_display(),
            ]
            for w in workshops
        ]
        if not rows:
            self.stdout.write("Chưa có lớp tập huấn nào.")
            return
        self.stdout.write(format_table(["Mã lớp", "Tên lớp", "Tỉnh/thành phố", "Ngày", "Học viên", "Trạng thái"], rows))
        self.stdout.write(f"Tổng: {len(rows)} lớp.")

    # --- reset ----------------------------------------------------------------------------------

    def handle_reset(self, *, workshop, trainee, verbosity, **_):
        found = services.resolve_workshop(workshop)
        if not found.is_open:
            raise CommandError(f"Lớp “{workshop}” đã kết thúc; trang thực hành đã bị xoá, không đặt lại được.")
        if trainee is not None:
            seat = found.trainees.select_related("commune", "user", "workshop").filter(number=trainee).first()
            if seat is None:
                numbers = list(found.trainees.order_by("number").values_list("number", flat=True))
                have = f"có học viên số {numbers[0]} đến {numbers[-1]}" if numbers else "chưa có học viên nào"
                raise CommandError(f"Lớp “{workshop}” không có học viên số {trainee} ({have}).")
            services.trainee_reset(seat)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Đã đặt lại trang thực hành của học viên {seat.number:02d} ({seat.username}): {seat.site_url}"
                )
            )
            self.stdout.write("Tên đăng nhập và mật khẩu trên thẻ vẫn dùng được.")
            return
        count = self._run_with_progress(
            lambda progress: services.workshop_reset(found, progress=progress),
            "Đang đặt lại trang thực hành",
            " học viên",
            verbosity,
            "Đã dừng giữa chừng sau {done} học viên (các trang này đã được đặt lại). Chạy lại lệnh để làm lại cả lớp.",
        )
        self.stdout.write(self.style.SUCCESS(f"Đã đặt lại {count} trang thực hành của lớp “{found.name}”."))

    # --- close ----------------------------------------------------------------------------------

    def _confirmed(self, workshop: Workshop, asked: str, stdin) -> bool:
        stdin = stdin or sys.stdin
        count = workshop.trainees.count()
        if stdin is None or not stdin.isatty():
            raise CommandError(
                f"Kết thúc lớp “{asked}” sẽ xoá hẳn {count} trang thực hành và tài khoản học viên. "
                "Không có ai để hỏi xác nhận; hãy chạy lại với --yes."
            )
        self.stdout.write(
            f"Kết thúc lớp “{workshop.name}” sẽ xoá hẳn {count} trang thực hành và tài khoản học viên "
            "(chỉ giữ bảng kết quả). Không hoàn tác được."
        )
        self.stdout.write("Gõ “có” để tiếp tục: ", ending="")
        self.stdout.flush()
        return stdin.readline().strip().lower() in ("có", "co", "c", "yes", "y")

    def handle_close(self, *, workshop, yes, verbosity, stdin=None, **_):
        found = services.resolve_workshop(workshop)
        if not found.is_open:
            raise CommandError(f"Lớp “{workshop}” đã kết thúc lúc {local_time(found.closed_at)}; không còn gì để xoá.")
        if not yes and not self._confirmed(found, workshop, stdin):
            self.stdout.write("Đã huỷ; lớp vẫn giữ nguyên.")
            return
        found = self._run_with_progress(
            lambda progress: services.workshop_close(found, progress=progress),
            "Đang xoá trang thực hành",
            " học viên",
            verbosity,
            "Đã dừng giữa chừng sau {done} học viên (trang và tài khoản của họ đã bị xoá). "
            "Chạy lại lệnh để xoá nốt phần còn lại.",
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã kết thúc lớp “{found.name}”: đã xoá mọi trang thực hành và tài khoản học viên. "
                "Kết quả được giữ lại:"
            )
        )
        self._write_summary(found.summary)

    def _write_summary(self, summary: dict) -> None:
        kinds = [kind for kind, _title in summary.get("exercises", [])]
        rows = []
        for row in summary.get("trainees", []):
            done = set(row.get("done", []))
            marks = [DONE if kind in done else NOT_DONE for kind in kinds]
            rows.append([f"{row['number']:02d}", row["username"], *marks, f"{len(done & set(kinds))}/{len(kinds)}"])
        self._write_grid(summary.get("exercises", []), ["Số", "Tên đăng nhập"], rows)

    def _write_grid(self, exercises, leading: list[str], rows: list[list[str]]) -> None:
        headers = [*leading, *(str(i) for i in range(1, len(exercises) + 1)), "Xong"]
        if rows:
            self.stdout.write(format_table(headers, rows))
        else:
            self.stdout.write("Lớp không có học viên nào.")
        for i, (_kind, title) in enumerate(exercises, 1):
            self.stdout.write(f"  {i}. {title}")

    # --- board ----------------------------------------------------------------------------------

    def handle_board(self, *, workshop, **_):
        found = services.resolve_workshop(workshop)
        self.stdout.write(f"{found.name} – {found.province.name} ({found.get_status_display().lower()})")
        if not found.is_open:
            # The sites are gone; what remains is the summary kept at closing.
            self._write_summary(found.summary)
            return
        grid = services.board(found)
        rows, absent = [], []
        for row in grid["rows"]:
            trainee = row["trainee"]
            # Partial progress ("2/3", "còn thiếu") once the trainee has started on it.
            marks = [DONE if c.done else (c.progress if c.items and c.progress else NOT_DONE) for c in row["cells"]]
            rows.append([f"{trainee.number:02d}", trainee.username, *marks, f"{row['done']}/{len(row['cells'])}"])
            if row["last_login"] is None:
                absent.append(f"{trainee.number:02d}")
        self._write_grid([(spec.kind, str(spec.title)) for spec in grid["exercises"]], ["Số", "Tên đăng nhập"], rows)
        if absent:
            self.stdout.write(f"Chưa đăng nhập lần nào: học viên {', '.join(absent)}.")

    # --- exercises ------------------------------------------------------------------------------

    def handle_exercises(self, **_):
        rows = [
            [spec.kind, DONE if spec.kind in DEFAULT_EXERCISES else "", str(spec.title), str(spec.hint)]
            for spec in EXERCISES.values()
        ]
        self.stdout.write(format_table(["Mã", "Mặc định", "Bài tập", "Khi nào tính là xong"], rows))
        self.stdout.write(f"Chọn bài tập khi tạo lớp: --exercises {','.join(DEFAULT_EXERCISES)}")
