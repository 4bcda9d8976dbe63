"""The workshop tasks of the officer guide, performed for real in the admin of the demo commune Động Đạt.

Each task is a function ``task(page, base_url, shots)``: ``page`` is a Playwright page, ``base_url`` the commune's
own address (``http://dongdat.thainguyen.localhost:PORT``) and ``shots`` a :class:`Shots` that decides where the
screenshots go. ``docs/guide/build.py`` runs them against a fresh demo install to make the pictures of
``docs/huong-dan-can-bo.md``; ``tests/browser/test_officer_guide.py`` runs the same functions against the test
server, so the suite fails as soon as the admin changes in a way the guide no longer describes.

The trainee guide (``docs/huong-dan-hoc-vien.md``) shows those pictures too, and its own, taken by the tasks of
``TRAINEE_TASKS``: a trainee signs in with a login card on a workshop's practice site (where they are editor and
approver at once, so they publish directly) and does the exercises the officer tasks leave out.
``tests/browser/test_trainee_guide.py`` checks that the live board of the workshop counts them as done.

Admin elements are found by ids, names, hrefs and data attributes (Wagtail's own labels are being translated),
or by labels this project defines itself (quick actions, banner positions) and by the content the steps type.
Run it only with Django configured: the files to upload are drawn by the demo modules of the project.
"""

from __future__ import annotations

import re
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from sites.management.commands.seed_demo import DEMO_PASSWORD

# --- Who and what ---------------------------------------------------------------------------------

EDITOR = "dongdat.bientap"
APPROVER = "dongdat.pheduyet"
PASSWORD = DEMO_PASSWORD

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}

CATEGORY = "Nông nghiệp"
ARTICLE = "Nông dân Động Đạt xuống đồng gieo cấy vụ Xuân"
ARTICLE_IMAGE = "Gieo cấy vụ Xuân tại cánh đồng thôn Làng Mới"
DOCUMENT = "Kế hoạch phòng, chống rét cho cây trồng, vật nuôi vụ Đông Xuân"
DOCUMENT_NUMBER = "45/KH-UBND"
PROCEDURE = "Đăng ký kết hôn"
VIDEO = "Hướng dẫn đăng ký thường trú trực tuyến"
BANNER = "Mừng Đảng, mừng Xuân Bính Ngọ 2026"
PHONE_NUMBER = "0208 3868 999"
ALBUM = "Ngày hội Đại đoàn kết thôn Làng Mới"
ALBUM_PHOTOS = ("Văn nghệ chào mừng Ngày hội Đại đoàn kết", "Bà con thôn Làng Mới dự Ngày hội")
SCHEDULED = "Thông báo lịch tiếp công dân của Chủ tịch UBND xã"

# What the trainee of the trainee guide writes on their practice site.
HV_ARTICLE = "Thôn Làng Mới ra quân làm đường giao thông nông thôn"
HV_ARTICLE_IMAGE = "Bà con thôn Làng Mới làm đường bê tông"
HV_VIDEO = "Hướng dẫn nộp hồ sơ trực tuyến trên Cổng Dịch vụ công"
HV_NOTICE = "Tạm dừng cấp nước sạch sáng thứ Bảy"
HV_DRAFT = "Kế hoạch tổ chức Tết Trồng cây năm 2026"
HV_BANNERS = (  # (position label shown in the list, words on the new banner, size)
    ("Banner trên", "Đoàn kết – Đổi mới – Phát triển", (1200, 200)),
    ("Banner ngang", "Xây dựng nông thôn mới nâng cao", (1200, 150)),
    ("Banner bên phải", "Nộp hồ sơ trực tuyến", (600, 400)),
)

VN_TIME = ZoneInfo("Asia/Ho_Chi_Minh")


# --- Screenshots ----------------------------------------------------------------------------------

_HIGHLIGHT = """(elements) => elements.forEach((el) => {
    el.dataset.guideOutline = el.style.outline || "";
    el.style.outline = "4px solid #e00000";
    // Inside menus and the footer bar an outer outline would be cut off: draw it inside the element.
    el.style.outlineOffset = el.closest(".tippy-box, footer") ? "-4px" : "2px";
})"""
_UNHIGHLIGHT = """(elements) => elements.forEach((el) => {
    el.style.outline = el.dataset.guideOutline || "";
    el.style.outlineOffset = "";
    delete el.dataset.guideOutline;
})"""
_BLUR_FIELD = """() => {
    const el = document.activeElement;
    if (el && el.matches("input, textarea, select, [contenteditable=true]")) el.blur();
}"""


class Shots:
    """Takes the guide's screenshots into ``directory`` (PNG, one viewport, never the full page).

    ``shots(page, "05-tin-bai", locator, …)`` scrolls the first highlighted element into view, outlines the
    highlighted elements in red so officers see where to click, and saves ``directory/05-tin-bai.png``.
    """

    def __init__(self, directory):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.taken: list[str] = []

    def __call__(self, page, name: str, *highlight, scroll: bool = True):
        for locator in highlight:
            locator.first.wait_for(state="visible")
        if highlight and scroll:
            highlight[0].first.scroll_into_view_if_needed()
        for locator in highlight:
            locator.evaluate_all(_HIGHLIGHT)
        page.evaluate(_BLUR_FIELD)  # a focused field's own outline would compete with the red one
        page.wait_for_timeout(50)  # let the highlight and any scrolling paint
        path = self.directory / f"{name}.png"
        page.screenshot(path=str(path), type="png", full_page=False, animations="disabled", caret="hide")
        for locator in highlight:
            locator.evaluate_all(_UNHIGHLIGHT)
        _shrink(path)
        self.taken.append(name)
        return path


MAX_PNG_BYTES = 150_000


def _shrink(path: Path) -> None:
    """Re-save a large screenshot with a 256-colour palette: a fraction of the size, hardly a visible change."""
    if path.stat().st_size <= MAX_PNG_BYTES:
        return
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, format="PNG", optimize=True)


# --- Files to upload ------------------------------------------------------------------------------

_samples_dir: tempfile.TemporaryDirectory | None = None


def sample(name: str) -> str:
    """A file to upload, drawn on first use with the project's demo helpers (no download)."""
    global _samples_dir
    if _samples_dir is None:
        _samples_dir = tempfile.TemporaryDirectory(prefix="xaso-huong-dan-")
    path = Path(_samples_dir.name) / name
    if not path.exists():
        path.write_bytes(_draw(name))
    return str(path)


def _draw(name: str) -> bytes:
    from pages.guidance.demo import minimal_pdf
    from pages.videos.demo import howto_video_bytes, scene_image_bytes

    if name == "gieo-cay.jpg":
        return scene_image_bytes(ARTICLE_IMAGE, 2, size=(1200, 675))
    if name == "ke-hoach-phong-chong-ret.pdf":
        return minimal_pdf([f"{DOCUMENT_NUMBER}", DOCUMENT, "Uy ban nhan dan xa Dong Dat"])
    if name == "dang-ky-thuong-tru.mp4":
        return howto_video_bytes(VIDEO)
    if name == "banner-mung-xuan.png":
        return _banner_bytes(BANNER)
    if name.startswith("album-"):
        index = int(name.removeprefix("album-").removesuffix(".jpg"))
        return scene_image_bytes(ALBUM_PHOTOS[index], index + 4)
    if name == "lam-duong.jpg":
        return scene_image_bytes(HV_ARTICLE_IMAGE, 3, size=(1200, 675))
    if name == "nop-ho-so.mp4":
        return howto_video_bytes(HV_VIDEO, colour=(0, 110, 70))
    if name == "nop-ho-so.vtt":
        return _captions_bytes()
    if name.startswith("banner-hv-"):
        _label, text, size = HV_BANNERS[int(name.removeprefix("banner-hv-").removesuffix(".png"))]
        return _banner_bytes(text, size)
    raise ValueError(name)


def _captions_bytes() -> bytes:
    """Vietnamese captions (WebVTT) for the trainee's how-to video."""
    return (
        "WEBVTT\n\n"
        "00:00:00.000 --> 00:00:02.000\n"
        "Bước 1: đăng nhập Cổng Dịch vụ công quốc gia.\n\n"
        "00:00:02.000 --> 00:00:04.000\n"
        "Bước 2: chọn thủ tục, điền tờ khai và nộp hồ sơ.\n"
    ).encode()


def _banner_bytes(text: str, size: tuple[int, int] = (1200, 200)) -> bytes:
    """A banner (1200×200 unless told): yellow words on the red of a festive banner."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    width, height = size
    image = Image.new("RGB", size, "#b01212")
    draw = ImageDraw.Draw(image)
    points = 46 if width > 800 else 40
    try:
        font = ImageFont.truetype("DejaVuSans-Bold.ttf", points)  # Debian's fonts-dejavu-core, with Vietnamese
    except OSError:
        font = ImageFont.load_default(size=points)
    draw.rectangle((12, 12, width - 13, height - 13), outline="#f7d038", width=4)
    draw.text((width // 2, height // 2), text, font=font, fill="#f7d038", anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


# --- Helpers --------------------------------------------------------------------------------------


def _admin(base_url: str, path: str = "") -> str:
    return f"{base_url}/admin/{path}"


def log_in(page, base_url: str, username: str) -> None:
    """Sign in on the commune's own address; any previous session is dropped first."""
    page.context.clear_cookies()
    page.goto(_admin(base_url, "login/"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").first.click()
    _expect_admin_home(page, base_url)


def _expect_admin_home(page, base_url: str) -> None:
    if page.url != _admin(base_url):
        raise AssertionError(f"Đăng nhập không thành công, đang ở {page.url}")


def _quick_action(page, base_url: str, href_part: str):
    """A quick action of the commune panel on the dashboard, found by where it leads."""
    if page.url != _admin(base_url):
        page.goto(_admin(base_url))
    return page.locator(f'#xa-cua-toi-section .xaso-actions a[href*="{href_part}"]')


def _expect_success(page) -> None:
    """Wagtail confirms a save with a success message; an error message means the form was refused."""
    outcome = page.locator(".messages .success, .messages .error").first
    outcome.wait_for(state="visible")
    if "error" in (outcome.get_attribute("class") or ""):
        problems = page.locator(".error-message, .w-field__errors, .help-critical").all_inner_texts()
        raise AssertionError(f"Không lưu được ở {page.url}: {outcome.inner_text()} {problems}")


def _open_chooser(chooser) -> None:
    """Click "choose"; when something is chosen already, that button sits in the chooser's "…" menu."""
    choose = chooser.locator("[data-chooser-action-choose]")
    if not choose.first.is_visible():
        chooser.locator("[data-w-dropdown-target='toggle']").click()
        choose = chooser.locator("[data-chooser-action-choose]").filter(visible=True)
    choose.first.click()


def _choose_and_upload(page, chooser, prefix: str, fields: dict[str, str], file_path: str) -> None:
    """Open a chooser, switch to its upload tab, fill the upload form and send it."""
    _open_chooser(chooser)
    modal = page.locator(".modal-dialog")
    modal.locator("#tab-label-upload").click()
    modal.locator(f"#id_{prefix}-file").set_input_files(file_path)
    for name, value in fields.items():
        modal.locator(f"#id_{prefix}-{name}").fill(value)


def _send_upload(page, chooser, prefix: str) -> None:
    page.locator(f"#id_{prefix}-file").locator("xpath=ancestor::form").locator("button[type=submit]").click()
    page.locator(".modal-dialog").wait_for(state="detached")
    chooser.locator("[data-chooser-title]").wait_for(state="visible")


def _choose_existing(page, chooser, title: str) -> None:
    """Open a chooser, search for a file by its title and pick it."""
    _open_chooser(chooser)
    modal = page.locator(".modal-dialog")
    modal.locator("#id_q").fill(title)
    modal.get_by_role("link", name=title).first.click()
    modal.wait_for(state="detached")
    chooser.locator("[data-chooser-title]").wait_for(state="visible")


def _open_editor(page, link) -> None:
    """Follow a link to a page editor, with the editor's autosave switched off.

    The steps save when the guide tells officers to. The autosave would also send the form in the background
    half a second after each change; on a new page, such a background save racing the officer's own click
    could create the page twice.
    """
    with page.expect_navigation():
        link.click()
    page.locator("form[data-edit-form]").evaluate(
        "(form) => form.setAttribute('data-w-autosave-active-value', 'false')"
    )


def _open_actions(page):
    """Open the footer's "more actions" menu of a page editor."""
    footer = page.locator("footer .w-dropdown-button")
    footer.locator("[data-w-dropdown-target='toggle']").click()
    return footer


def _submit_for_approval(page, shots=None, name: str | None = None) -> None:
    """Save the page and send it to the approver (editors cannot publish)."""
    footer = _open_actions(page)
    submit = footer.locator("button[name='action-submit']")
    submit.wait_for(state="visible")
    if shots is not None and name:
        shots(page, name, submit, scroll=False)
    with page.expect_navigation():
        submit.click()
    _expect_success(page)


_CALENDARS_OPEN = """() => [...document.querySelectorAll('.xdsoft_datetimepicker')]
    .filter((el) => el.getClientRects().length && getComputedStyle(el).display !== 'none').length"""


def wait_until(page, script: str, arg=None, timeout: float = 15.0) -> None:
    """Poll `script` (a JS function) from Python until it returns true.

    Playwright's own wait_for_function evaluates strings inside the page, which the admin's
    Content Security Policy (no 'unsafe-eval') rightly refuses; page.evaluate is not affected.
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(script, arg):
        if time.monotonic() > deadline:
            raise PlaywrightTimeoutError(f"Hết {timeout} giây chờ: {script}")
        page.wait_for_timeout(100)


def _fill_date(page, selector: str, value: str, away=None) -> None:
    """Type into one of Wagtail's date fields, then click plain text (`away`, or the field's help text) so that
    its calendar closes. Not Escape: inside a dialog that would close the dialog."""
    field = page.locator(selector)
    field.click()
    try:  # the calendar opens a moment after the field gets focus; wait for it so it cannot open later
        wait_until(page, f"() => ({_CALENDARS_OPEN})() > 0", timeout=3)
    except PlaywrightTimeoutError:
        pass  # no calendar widget (any more): nothing to close
    field.fill(value)
    if away is None:
        away = page.locator(f"[id='{field.get_attribute('aria-describedby')}']")
    away.click()
    wait_until(page, f"() => ({_CALENDARS_OPEN})() === 0")


def _open_tab_with(page, selector: str) -> None:
    """Click the editor tab that holds the field `selector`."""
    panel_id = page.locator(f"[role=tabpanel]:has({selector})").get_attribute("id")
    page.locator(f'a[role=tab][href="#{panel_id}"]').click()
    page.locator(selector).wait_for(state="visible")


def _scroll_to_top(page, locator) -> None:
    """Scroll so that the element sits near the top of the screen, below the admin's header bar."""
    locator.first.evaluate(
        """(el) => {
            const box = (el.closest("section.w-panel") || el).getBoundingClientRect();
            let scroller = el.parentElement;
            while (scroller && !(scroller.scrollHeight > scroller.clientHeight
                                 && /auto|scroll/.test(getComputedStyle(scroller).overflowY))) {
                scroller = scroller.parentElement;
            }
            scroller = scroller || document.scrollingElement;
            scroller.scrollTo({top: Math.max(0, scroller.scrollTop + box.top - 60), left: 0, behavior: "instant"});
        }"""
    )


def _hide_userbar(page) -> None:
    """Residents do not see Wagtail's editing button that signed-in officers get on the public site."""
    # Through the DOM, not a <style> tag: the public site's Content Security Policy refuses inline styles.
    page.evaluate(
        "() => document.querySelectorAll('wagtail-userbar')"
        ".forEach((el) => el.style.setProperty('display', 'none', 'important'))"
    )


def _public_on_phone(page, url: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(url)
    _hide_userbar(page)


def _back_to_desktop(page) -> None:
    page.set_viewport_size(DESKTOP)


# --- 1. Đăng nhập và bảng điều khiển ----------------------------------------------------------------


def dang_nhap(page, base_url, shots):
    page.context.clear_cookies()
    page.goto(_admin(base_url))
    page.wait_for_url(re.compile(r"/admin/login/"))
    page.fill("#id_username", EDITOR)
    page.fill("#id_password", PASSWORD)
    submit = page.locator("form button[type=submit]").first
    shots(page, "01-dang-nhap", page.locator("#id_username, #id_password"), submit)
    with page.expect_navigation():
        submit.click()
    _expect_admin_home(page, base_url)
    shots(page, "02-bang-dieu-khien", page.locator("#xa-cua-toi-section .xaso-actions"))


# --- 2. Tạo mục tin -----------------------------------------------------------------------------------


def tao_muc_tin(page, base_url, shots):
    action = _quick_action(page, base_url, "/snippets/news/newscategory/add/")
    shots(page, "03-muc-tin-nut", action)
    action.click()
    page.fill("#id_name", CATEGORY)
    page.fill("#id_description", "Tin về sản xuất nông nghiệp, khuyến nông và xây dựng nông thôn mới.")
    save = page.locator("main form button[type=submit]").last
    shots(page, "04-muc-tin-luu", page.locator("#id_name"), save, scroll=False)
    with page.expect_navigation():
        save.click()
    _expect_success(page)
    page.locator("main").get_by_text(CATEGORY, exact=True).first.wait_for(state="visible")


# --- 3. Đăng tin bài có ảnh, gửi duyệt; lãnh đạo xuất bản -------------------------------------------


def dang_tin_bai(page, base_url, shots):
    _open_editor(page, _quick_action(page, base_url, "/pages/add/news/articlepage/"))
    page.fill("#id_title", ARTICLE)
    page.fill(
        "#id_summary",
        "Sáng nay, hàng trăm hộ nông dân xã Động Đạt đã ra đồng gieo cấy lúa vụ Xuân, bảo đảm đúng lịch thời vụ.",
    )
    chooser = page.locator("#id_featured_image-chooser")
    _choose_and_upload(
        page,
        chooser,
        "image-chooser-upload",
        {"title": ARTICLE_IMAGE, "description": "Nông dân cấy lúa trên cánh đồng thôn Làng Mới"},
        sample("gieo-cay.jpg"),
    )
    upload_button = page.locator("#id_image-chooser-upload-file").locator("xpath=ancestor::form")
    shots(page, "05-tin-bai-tai-anh", upload_button.locator("button[type=submit]"), scroll=False)
    _send_upload(page, chooser, "image-chooser-upload")
    page.fill("#id_featured_image_caption", "Nông dân thôn Làng Mới cấy lúa vụ Xuân.")
    page.fill("#id_featured_image_alt", "Nông dân đội nón lá cấy lúa trên cánh đồng")
    body = page.locator("[data-contentpath='body']")
    body.locator(".c-sf-add-button").first.click()
    page.get_by_role("option", name="Đoạn văn", exact=True).click()
    body.locator("[contenteditable=true]").first.click()
    page.keyboard.insert_text(
        "Theo lịch thời vụ, các hộ hoàn thành gieo cấy trước ngày 15/2. Cán bộ khuyến nông có mặt tại đồng ruộng "
        "để hướng dẫn bà con bón phân, phòng trừ sâu bệnh."
    )
    page.locator("#id_categories").get_by_label(CATEGORY, exact=True).check()
    _scroll_to_top(page, page.locator("#id_summary"))
    shots(
        page,
        "06-tin-bai-noi-dung",
        page.locator("#id_summary"),
        chooser,
        page.locator("#id_featured_image_alt"),
        scroll=False,
    )
    _submit_for_approval(page, shots, "07-tin-bai-gui-duyet")


def duyet_tin_bai(page, base_url, shots):
    log_in(page, base_url, APPROVER)
    waiting = page.locator("main section").filter(has=page.get_by_role("link", name=ARTICLE, exact=True)).last
    row = waiting.locator("tr").filter(has=page.get_by_role("link", name=ARTICLE, exact=True)).first
    shots(page, "08-duyet-danh-sach", row)
    with page.expect_navigation():
        row.get_by_role("link", name=ARTICLE, exact=True).first.click()
    footer = _open_actions(page)
    approve = footer.locator("[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])")
    if not approve.count():  # the approve action is the footer's main button
        approve = page.locator("footer [data-workflow-action-name='approve']:not([data-workflow-action-modal-url])")
    shots(page, "09-duyet-xuat-ban", approve, scroll=False)
    with page.expect_navigation():
        approve.first.click()
    _expect_success(page)
    _public_on_phone(page, f"{base_url}/tin-tuc/")
    with page.expect_navigation():
        page.get_by_role("link", name=ARTICLE).first.click()
    _hide_userbar(page)
    heading = page.locator("h1", has_text=ARTICLE)
    _scroll_to_top(page, heading)
    shots(page, "10-tin-bai-dien-thoai", scroll=False)
    _back_to_desktop(page)
    log_in(page, base_url, EDITOR)


# --- 4. Văn bản chỉ đạo điều hành --------------------------------------------------------------------


def them_van_ban(page, base_url, shots):
    _open_editor(page, _quick_action(page, base_url, "/pages/add/guidance/guidingdocumentpage/"))
    page.fill("#id_title", DOCUMENT)
    page.fill("#id_number", DOCUMENT_NUMBER)
    page.select_option("#id_document_type", "ke-hoach")
    page.fill("#id_summary", f"{DOCUMENT} năm 2026 trên địa bàn xã Động Đạt.")
    page.fill("#id_field", "Nông nghiệp")
    page.fill("#id_signer", "Nguyễn Văn Hùng – Chủ tịch")
    _fill_date(page, "#id_date_issued", "05/01/2026")
    page.locator("#id_title").scroll_into_view_if_needed()
    shots(
        page,
        "11-van-ban-thong-tin",
        page.locator("#id_number, #id_document_type, #id_summary, #id_date_issued"),
        scroll=False,
    )
    page.locator("#id_attachments-ADD").click()
    chooser = page.locator("#id_attachments-0-document-chooser")
    _choose_and_upload(
        page,
        chooser,
        "document-chooser-upload",
        {"title": f"{DOCUMENT_NUMBER} – {DOCUMENT}"},
        sample("ke-hoach-phong-chong-ret.pdf"),
    )
    _send_upload(page, chooser, "document-chooser-upload")
    page.fill("#id_attachments-0-label", "Bản PDF của kế hoạch")
    shots(page, "12-van-ban-tep-dinh-kem", chooser, page.locator("#id_attachments-0-label"))
    _submit_for_approval(page)


# --- 5. Thủ tục hành chính ---------------------------------------------------------------------------


def cap_nhat_thu_tuc(page, base_url, shots):
    with page.expect_navigation():
        _quick_action(page, base_url, "/procedures/communeprocedure/").click()
    edit = page.locator("main table").get_by_role("link", name=PROCEDURE, exact=True).first
    shots(page, "13-thu-tuc-danh-sach", edit)
    with page.expect_navigation():
        edit.click()
    page.fill("#id_opening_hours", "Sáng 7:30–11:30, chiều 13:30–17:00, từ thứ Hai đến thứ Sáu; sáng thứ Bảy.")
    page.fill("#id_officer_name", "Hoàng Thị Lan – công chức Tư pháp – Hộ tịch")
    page.fill("#id_officer_phone", PHONE_NUMBER)
    shots(page, "14-thu-tuc-thong-tin-tai-xa", page.locator("#id_opening_hours, #id_officer_name, #id_officer_phone"))
    with page.expect_navigation():
        page.locator("form[data-edit-form] footer button[type=submit]").first.click()
    _expect_success(page)


# --- 6. Video hướng dẫn -------------------------------------------------------------------------------


def tai_video(page, base_url, shots):
    if page.url != _admin(base_url):
        page.goto(_admin(base_url))
    page.locator('a[href$="/admin/media/"]').first.click()  # the "Video, âm thanh" menu
    page.locator('main a[href$="/media/video/add/"]').click()
    page.fill("#id_title", VIDEO)
    page.locator("#id_file").set_input_files(sample("dang-ky-thuong-tru.mp4"))
    page.fill("#id_duration", "4")
    save = page.locator("#id_file").locator("xpath=ancestor::form").locator("button[type=submit]")
    shots(page, "15-video-tai-len", page.locator("#id_title, #id_file"), save, scroll=False)
    with page.expect_navigation():
        save.click()
    _expect_success(page)

    _open_editor(page, _quick_action(page, base_url, "/pages/add/videos/videopage/"))
    page.fill("#id_title", VIDEO)
    chooser = page.locator("#id_video-chooser")
    _choose_existing(page, chooser, VIDEO)
    description = page.locator("#id_description").locator("xpath=..").locator("[contenteditable=true]")
    description.click()
    page.keyboard.insert_text("Các bước đăng ký thường trú trên Cổng Dịch vụ công quốc gia, không cần đến trụ sở.")
    page.locator("#id_title").scroll_into_view_if_needed()
    shots(page, "16-video-trang", page.locator("#id_title"), chooser, scroll=False)
    _submit_for_approval(page)


# --- 7. Banner ----------------------------------------------------------------------------------------


def thay_banner(page, base_url, shots):
    action = _quick_action(page, base_url, "/snippets/pages/banner/")
    action.click()
    top = page.locator("main tr").filter(has_text="Banner trên").first
    edit = top.locator('a[href*="/snippets/pages/banner/edit/"]').first
    shots(page, "17-banner-danh-sach", edit, page.locator('main a[href$="/snippets/pages/banner/add/"]'))
    with page.expect_navigation():
        edit.click()
    chooser = page.locator("#id_image-chooser")
    _choose_and_upload(
        page,
        chooser,
        "image-chooser-upload",
        {"title": f"Banner – {BANNER}", "description": BANNER},
        sample("banner-mung-xuan.png"),
    )
    _send_upload(page, chooser, "image-chooser-upload")
    page.fill("#id_alt_text", BANNER)
    save = page.locator("main form button[type=submit]").last
    shots(
        page, "18-banner-sua", page.locator("#id_position"), chooser, page.locator("#id_alt_text"), save, scroll=False
    )
    with page.expect_navigation():
        save.click()
    _expect_success(page)
    page.goto(f"{base_url}/")
    _hide_userbar(page)
    shots(page, "19-banner-trang-chu", page.locator(f'img[alt="{BANNER}"]'))


# --- 8. Chân trang ------------------------------------------------------------------------------------


def sua_chan_trang(page, base_url, shots):
    _quick_action(page, base_url, "/settings/pages/communeidentity/").click()
    page.fill("#id_phone", PHONE_NUMBER)
    page.fill("#id_responsible_person", "Nguyễn Văn Hùng – Chủ tịch UBND xã")
    save = page.locator("main form button[type=submit]").last
    shots(page, "20-chan-trang-sua", page.locator("#id_phone"), page.locator("#id_responsible_person"), save)
    with page.expect_navigation():
        save.click()
    _expect_success(page)
    _public_on_phone(page, f"{base_url}/")
    footer = page.locator("footer").last
    footer.get_by_text(PHONE_NUMBER).first.wait_for()
    shots(page, "21-chan-trang-dien-thoai", footer.get_by_text(PHONE_NUMBER).first)
    _back_to_desktop(page)


# --- 9. Hình ảnh, album ảnh ----------------------------------------------------------------------------


def them_album(page, base_url, shots):
    _quick_action(page, base_url, "/images/multiple/add/").click()
    page.locator("#fileupload").set_input_files([sample("album-0.jpg"), sample("album-1.jpg")])
    for index, title in enumerate(ALBUM_PHOTOS):
        form = page.locator("#upload-list > li").nth(index).locator("form")
        form.wait_for(state="visible")
        form.locator("input[name$='-title']").fill(title)
        form.locator("input[name$='-description']").fill(title)
    first = page.locator("#upload-list > li").first
    _scroll_to_top(page, first)
    shots(
        page,
        "22-anh-tai-len",
        first.locator("input[name$='-description']"),
        first.locator("form button[type=submit]"),
        scroll=False,
    )
    items = page.locator("#upload-list > li")
    for _ in ALBUM_PHOTOS:  # once saved, an upload's form folds away and leaves the list
        left = items.count()
        items.first.locator("form button[type=submit]").click()
        wait_until(page, "(left) => document.querySelectorAll('#upload-list > li').length < left", left)

    _open_editor(page, _quick_action(page, base_url, "/pages/add/videos/gallerypage/"))
    page.fill("#id_title", ALBUM)
    for index, title in enumerate(ALBUM_PHOTOS):
        if not page.locator(f"#id_gallery_images-{index}-image-chooser").count():
            page.locator("#id_gallery_images-ADD").click()
        chooser = page.locator(f"#id_gallery_images-{index}-image-chooser")
        _choose_existing(page, chooser, title)
        page.fill(f"#id_gallery_images-{index}-caption", title)
    _scroll_to_top(page, page.locator("#id_gallery_images-0-image-chooser"))
    shots(
        page,
        "23-album-anh",
        page.locator("#id_gallery_images-0-image-chooser, #id_gallery_images-1-image-chooser"),
        scroll=False,
    )
    _submit_for_approval(page)


# --- Lên lịch xuất bản ---------------------------------------------------------------------------------


def len_lich_xuat_ban(page, base_url, shots):
    _open_editor(page, _quick_action(page, base_url, "/pages/add/news/articlepage/"))
    page.fill("#id_title", SCHEDULED)
    page.fill("#id_summary", "Chủ tịch UBND xã tiếp công dân định kỳ vào sáng thứ Năm hằng tuần tại trụ sở UBND xã.")
    go_live = (datetime.now(VN_TIME) + timedelta(days=3)).replace(hour=7, minute=0)
    page.locator("[data-side-panel-toggle='status']").click()
    toggle = page.locator(
        "[data-side-panel='status'] [data-a11y-dialog-show='schedule-publishing-dialog'], "
        "[data-side-panel='status'] [data-w-dialog-target-id='schedule-publishing-dialog']"
    )
    shots(page, "24-len-lich-mo", toggle, scroll=False)
    toggle.first.click()
    dialog = page.locator("#schedule-publishing-dialog")
    _fill_date(
        page, "#schedule-publishing-dialog #id_go_live_at", go_live.strftime("%d/%m/%Y %H:%M"), dialog.locator("h2 + p")
    )
    save = dialog.locator("button[type=submit]")
    shots(page, "25-len-lich-ngay-gio", dialog.locator("#id_go_live_at"), save, scroll=False)
    with page.expect_navigation():
        save.click()
    _expect_success(page)
    _submit_for_approval(page)


# --- Chỉ thấy nội dung của xã mình ---------------------------------------------------------------------


def chi_thay_xa_minh(page, base_url, shots):
    page.goto(_admin(base_url, "pages/"))
    title = page.get_by_text("Xã Động Đạt", exact=True).filter(visible=True).locator("xpath=..")
    shots(page, "26-chi-thay-xa-minh", title)


TASKS = (
    dang_nhap,
    tao_muc_tin,
    dang_tin_bai,
    duyet_tin_bai,
    them_van_ban,
    cap_nhat_thu_tuc,
    tai_video,
    thay_banner,
    sua_chan_trang,
    them_album,
    len_lich_xuat_ban,
    chi_thay_xa_minh,
)


def run_all(page, base_url, shots) -> list[str]:
    """Every task in order (each builds on the one before); returns the names of the screenshots taken."""
    page.set_viewport_size(DESKTOP)
    for task in TASKS:
        task(page, base_url, shots)
    return shots.taken


# --- Hướng dẫn học viên: trên trang thực hành của lớp tập huấn --------------------------------------------
#
# The trainee is editor and approver of their practice site: pages are published directly ("Xuất bản").
# These tasks take only the pictures the officer tasks cannot (the trainee's own view), and they complete the
# exercises video_captions, banners, notice, article_image and submit_for_approval on the practice site.


@dataclass(frozen=True)
class Card:
    """The login card a trainer hands out: a practice account (training.models.Trainee)."""

    username: str
    password: str


def _publish(page, shots=None, name: str | None = None) -> None:
    """Save the page and publish it at once (the trainee is the approver of their practice site)."""
    footer = _open_actions(page)
    publish = footer.locator("button[name='action-publish']")
    publish.wait_for(state="visible")
    if shots is not None and name:
        shots(page, name, publish, scroll=False)
    with page.expect_navigation():
        publish.click()
    _expect_success(page)


def hv_dang_nhap(page, base_url, shots, card):
    page.context.clear_cookies()
    page.goto(_admin(base_url, "login/"))
    page.fill("#id_username", card.username)
    page.fill("#id_password", card.password)
    submit = page.locator("form button[type=submit]").first
    shots(page, "hv-01-dang-nhap", page.locator("#id_username, #id_password"), submit)
    with page.expect_navigation():
        submit.click()
    _expect_admin_home(page, base_url)
    guide = page.locator('#xa-cua-toi-section a[href$="/huong-dan-hoc-vien/"]')
    shots(page, "hv-02-bang-dieu-khien", guide, page.locator("#xa-cua-toi-section .xaso-actions"))


def hv_tin_bai_xuat_ban(page, base_url, shots, card):
    _open_editor(page, _quick_action(page, base_url, "/pages/add/news/articlepage/"))
    page.fill("#id_title", HV_ARTICLE)
    page.fill("#id_summary", "Sáng Chủ nhật, hơn 100 người dân thôn Làng Mới cùng làm 500 mét đường bê tông.")
    chooser = page.locator("#id_featured_image-chooser")
    _choose_and_upload(
        page,
        chooser,
        "image-chooser-upload",
        {"title": HV_ARTICLE_IMAGE, "description": "Người dân đổ bê tông mặt đường thôn"},
        sample("lam-duong.jpg"),
    )
    _send_upload(page, chooser, "image-chooser-upload")
    page.fill("#id_featured_image_caption", HV_ARTICLE_IMAGE + ".")
    page.fill("#id_featured_image_alt", "Người dân đổ bê tông mặt đường thôn")
    body = page.locator("[data-contentpath='body']")
    body.locator(".c-sf-add-button").first.click()
    page.get_by_role("option", name="Đoạn văn", exact=True).click()
    body.locator("[contenteditable=true]").first.click()
    page.keyboard.insert_text("Con đường mới giúp bà con đi lại, vận chuyển nông sản thuận tiện hơn.")
    _publish(page, shots, "hv-03-xuat-ban")


def hv_video_phu_de(page, base_url, shots, card):
    if page.url != _admin(base_url):
        page.goto(_admin(base_url))
    page.locator('a[href$="/admin/media/"]').first.click()  # the "Video, âm thanh" menu
    page.locator('main a[href$="/media/video/add/"]').click()
    page.fill("#id_title", HV_VIDEO)
    page.locator("#id_file").set_input_files(sample("nop-ho-so.mp4"))
    with page.expect_navigation():
        page.locator("#id_file").locator("xpath=ancestor::form").locator("button[type=submit]").click()
    _expect_success(page)

    _open_editor(page, _quick_action(page, base_url, "/pages/add/videos/videopage/"))
    page.fill("#id_title", HV_VIDEO)
    video = page.locator("#id_video-chooser")
    _choose_existing(page, video, HV_VIDEO)
    captions = page.locator("#id_captions-chooser")
    _choose_and_upload(
        page, captions, "document-chooser-upload", {"title": f"Phụ đề – {HV_VIDEO}"}, sample("nop-ho-so.vtt")
    )
    _send_upload(page, captions, "document-chooser-upload")
    page.locator("#id_title").scroll_into_view_if_needed()
    shots(page, "hv-04-video-phu-de", video, captions, scroll=False)
    _publish(page)


def hv_ba_banner(page, base_url, shots, card):
    list_url = None
    for index, (label, text, _size) in enumerate(HV_BANNERS):
        if list_url is None:
            with page.expect_navigation():
                _quick_action(page, base_url, "/snippets/pages/banner/").click()
            list_url = page.url
            edits = [
                page.locator("main tr").filter(has_text=row_label).first.locator('a[href*="/banner/edit/"]').first
                for row_label, _text, _size in HV_BANNERS
            ]
            shots(page, "hv-05-ba-banner", *edits)
        else:
            page.goto(list_url)
        row = page.locator("main tr").filter(has_text=label).first
        with page.expect_navigation():
            row.locator('a[href*="/banner/edit/"]').first.click()
        chooser = page.locator("#id_image-chooser")
        _choose_and_upload(
            page,
            chooser,
            "image-chooser-upload",
            {"title": f"Banner – {text}", "description": text},
            sample(f"banner-hv-{index}.png"),
        )
        _send_upload(page, chooser, "image-chooser-upload")
        page.fill("#id_alt_text", text)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").last.click()
        _expect_success(page)


def hv_thong_bao(page, base_url, shots, card):
    with page.expect_navigation():
        _quick_action(page, base_url, "/snippets/pages/notice/").click()
    with page.expect_navigation():
        page.locator('main a[href$="/snippets/pages/notice/add/"]').first.click()
    page.fill("#id_title", HV_NOTICE)
    page.fill("#id_text", "Công ty nước sạch sửa đường ống: thôn Làng Mới mất nước từ 7:00 đến 11:00 sáng thứ Bảy.")
    until = (datetime.now(VN_TIME) + timedelta(days=7)).replace(hour=17, minute=0)
    _fill_date(page, "#id_expires_at", until.strftime("%d/%m/%Y %H:%M"))
    save = page.locator("main form button[type=submit]").last
    shots(page, "hv-06-thong-bao", page.locator("#id_title, #id_text, #id_expires_at"), save)
    with page.expect_navigation():
        save.click()
    _expect_success(page)
    page.goto(f"{base_url}/")
    _hide_userbar(page)
    shots(page, "hv-07-thong-bao-trang-chu", page.locator(".notices .notice").filter(has_text=HV_NOTICE))


def hv_gui_duyet(page, base_url, shots, card):
    _open_editor(page, _quick_action(page, base_url, "/pages/add/news/articlepage/"))
    page.fill("#id_title", HV_DRAFT)
    page.fill("#id_summary", "Dự kiến trồng 2.000 cây xanh ở các tuyến đường liên thôn, trường học và nhà văn hóa.")
    _submit_for_approval(page, shots, "hv-08-gui-duyet")


TRAINEE_TASKS = (hv_dang_nhap, hv_tin_bai_xuat_ban, hv_video_phu_de, hv_ba_banner, hv_thong_bao, hv_gui_duyet)


def run_trainee(page, base_url, shots, card: Card) -> list[str]:
    """Every trainee task in order, signed in with the card; returns the names of the screenshots taken."""
    page.set_viewport_size(DESKTOP)
    for task in TRAINEE_TASKS:
        task(page, base_url, shots, card)
    return shots.taken
