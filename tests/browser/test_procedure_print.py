"""The printable procedure sheet, as Chromium shows and prints it: the QR code read back from a
screenshot leads to the procedure's page, and the sheet prints on A4 in at most two pages."""

import io
import re
from urllib.parse import urlsplit

import pytest
import zxingcpp
from PIL import Image

from sites import services
from tests.factories_procedures import add_procedure, detail_path, method, paper, procedure_index

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective));
"""


def test_printed_sheet_qr_code_reads_back_to_the_procedure_page(chromium, live_server):
    province = services.province_ensure(name="Thái Nguyên", domain="thainguyen.gov.vn")
    commune = services.commune_create(province=province, name="Động Đạt", local_hostnames=True)
    entry = add_procedure(
        commune,
        methods=[method(1, "1", [(0, "Miễn lệ phí")]), method(2, "1", [(0, "")])],
        papers=[paper("Tờ khai đăng ký khai sinh"), paper("Giấy chứng sinh", 1, 0)],
        steps=["Nộp hồ sơ.", "Nhận kết quả."],
        online_level="full",
        local={"submission_place": "Bộ phận Một cửa, UBND xã Động Đạt", "officer_phone": "0912 345 678"},
    )
    expected = procedure_index(commune).procedure_url(entry, full=True)
    site = f"http://{commune.hostname}:{urlsplit(live_server.url).port}"

    def visit(page):
        page.add_init_script(RECORD_VIOLATIONS)
        response = page.goto(site + detail_path(entry) + "in/")
        assert response.status == 200
        page.wait_for_load_state("networkidle")
        qr_loaded = page.evaluate("document.querySelector('.sheet-qr img').naturalWidth")
        button = page.locator("#nut-in").is_visible()  # shown by the static script
        screenshot = page.screenshot(full_page=True)
        pdf = page.pdf(format="A4", print_background=True)
        return qr_loaded, button, screenshot, pdf, page.evaluate("window.__violations")

    qr_loaded, button, screenshot, pdf, violations = chromium(visit, viewport={"width": 1000, "height": 1400})
    assert qr_loaded > 0
    assert button
    assert not violations
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(screenshot)))
    assert [r.text for r in results if r.format == zxingcpp.BarcodeFormat.QRCode] == [expected]
    assert pdf.startswith(b"%PDF")
    assert 1 <= len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) <= 2
