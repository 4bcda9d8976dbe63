"""Fuzz run (schemathesis) of the public endpoints described in docs/openapi.yaml.

Schemathesis generates requests from the OpenAPI document: valid ones (checked against the
documented status codes, content types, headers and the JSON schema of du-lieu.json) and invalid
ones (only checked for never being a server error). They go in-process to the real Django WSGI
handler, every middleware included, with the commune's hostname as Host: no server, no network.
The run counts every request and every 5xx answer, prints both, and fails on any 5xx.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories_procedures import add_procedure, method, paper

pytestmark = pytest.mark.django_db

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "docs" / "openapi.yaml"
JSON_PATH = "/thu-tuc-hanh-chinh/du-lieu.json"
POSITIVE_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Invalid input (a page number that is not a number…) may rightly get a normal page: only 5xx is wrong.
NEGATIVE_CHECKS = [not_a_server_error]
EXAMPLES = {GenerationMode.POSITIVE: 80, GenerationMode.NEGATIVE: 40}


class CountingWSGIApp:
    """Django's own WSGI handler, counting answers by status.

    Like Django's test client, it keeps the test's database connection open between requests
    (request_started/finished would otherwise close it, and the test's transaction with it).
    """

    def __init__(self):
        self.handler = WSGIHandler()
        self.statuses: Counter[int] = Counter()
        self.server_errors: list[str] = []

    def __call__(self, environ, start_response):
        status = []

        def recording_start_response(line, headers, exc_info=None):
            status.append(int(line.split()[0]))
            return start_response(line, headers, exc_info)

        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            result = self.handler(environ, recording_start_response)
            try:
                body = b"".join(result)
            finally:
                if hasattr(result, "close"):
                    result.close()  # fires request_finished, as a WSGI server would
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        self.statuses[status[0]] += 1
        if status[0] >= 500:
            query = environ.get("QUERY_STRING", "")
            self.server_errors.append(f"{status[0]} {environ['HTTP_HOST']}{environ['PATH_INFO']}?{query}")
        return [body]

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    @property
    def server_error_count(self) -> int:
        return sum(n for code, n in self.statuses.items() if code >= 500)


@pytest.fixture
def catalogue(commune_a, commune_a2):
    """Commune A lists three procedures (one abolished, so its page answers 410); A2 lists one."""
    birth = add_procedure(
        commune_a,
        "Đăng ký khai sinh",
        "1.001193",
        methods=[
            method(1, "1", [(0, "Miễn lệ phí khai sinh đúng hạn")], note="Trong ngày"),
            method(2, "0.5", [(8000, "Lệ phí cấp bản sao")], unit="ngày"),
            method(3, "", []),
        ],
        papers=[paper("Tờ khai đăng ký khai sinh", 1, 0, form_name="Mẫu TK-01"), paper("Giấy chứng sinh", 1, 2)],
        steps=["Nộp hồ sơ tại Bộ phận Một cửa.", "Nhận kết quả."],
        online_level="full",
        updated_on="2026-01-15",
        local={"submission_place": "Bộ phận Một cửa, UBND xã", "officer_phone": "0912 345 678"},
    )
    add_procedure(commune_a, "Chứng thực bản sao từ bản chính", "2.000815.000.00.00.H55", field="Chứng thực")
    gone = add_procedure(commune_a, "Đăng ký kết hôn (cũ)", "1.000894", status="abolished")
    add_procedure(commune_a2, "Đăng ký khai sinh", "1.001193")
    return {"commune": commune_a, "live_slug": birth.procedure.slug, "gone_slug": gone.procedure.slug}


def _send(app, strategy, base_url, checks, max_examples):
    """Send `max_examples` generated cases to the in-process app and check each answer."""

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,  # no example database: a failure prints its own request
        derandomize=os.environ.get("CI") == "true",  # CI sends the same cases every time; locally, new ones
        phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure reports its own request
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case):
        response = case.call(base_url=base_url, app=app)
        case.validate_response(response, checks=checks)

    run()


def _fuzz(app, operation, base_url, *, modes=(GenerationMode.POSITIVE, GenerationMode.NEGATIVE), **fixed):
    """Run schemathesis' generated cases of one operation against `base_url`'s host."""
    for mode in modes:
        if mode is GenerationMode.NEGATIVE and not operation.query:
            continue  # no query to make invalid (a path segment is text whatever it holds)
        checks = POSITIVE_CHECKS if mode is GenerationMode.POSITIVE else NEGATIVE_CHECKS
        try:
            _send(app, operation.as_strategy(generation_mode=mode, **fixed), base_url, checks, EXAMPLES[mode])
        except Exception as exc:
            raise AssertionError(f"{operation.label}, {mode}, {fixed}") from exc  # which of the runs failed


def test_public_endpoints_never_answer_with_a_server_error(catalogue, capsys):
    commune = catalogue["commune"]
    schema = schemathesis.openapi.from_path(SCHEMA_PATH)
    app = CountingWSGIApp()
    operations = {op.ok().path: op.ok() for op in schema.get_all_operations()}
    assert set(operations) == {JSON_PATH, "/thu-tuc-hanh-chinh/", "/thu-tuc-hanh-chinh/{slug}/", "/tim-kiem/"}
    commune_host = f"http://{commune.hostname}"
    portal_host = "http://localhost"

    for operation in operations.values():
        _fuzz(app, operation, commune_host)
    # The known procedures: a live one (200) and an abolished one (410), as the document says.
    detail = operations["/thu-tuc-hanh-chinh/{slug}/"]
    for slug in (catalogue["live_slug"], catalogue["gone_slug"]):
        _fuzz(app, detail, commune_host, modes=(GenerationMode.POSITIVE,), path_parameters={"slug": slug})
    # The listing filtered by one of the commune's own fields, with any words.
    listing = operations["/thu-tuc-hanh-chinh/"]
    _fuzz(app, listing, commune_host, modes=(GenerationMode.POSITIVE,), query={"field": "Hộ tịch"})
    # NUL in the words: PostgreSQL refuses it in a query (this was a 500 there).
    _fuzz(app, listing, commune_host, modes=(GenerationMode.POSITIVE,), query={"q": "khai\x00sinh"})
    # The portal: communes by name, or one commune's search through ?xa=.
    search = operations["/tim-kiem/"]
    _fuzz(app, search, commune_host, modes=(GenerationMode.POSITIVE,), query={"q": "96/\x00KH-UBND"})
    _fuzz(app, search, portal_host)
    _fuzz(app, search, portal_host, modes=(GenerationMode.POSITIVE,), query={"xa": commune.address})
    # Open data asked of the portal (no commune: 404) and of a host the install does not serve (400).
    for host in (portal_host, "http://khongco.thainguyen.gov.vn"):
        _fuzz(app, operations[JSON_PATH], host, modes=(GenerationMode.POSITIVE,))

    with capsys.disabled():
        print(
            f"\nschemathesis: {app.total} yêu cầu, {app.server_error_count} phản hồi 5xx; "
            f"theo mã trạng thái: {json.dumps(dict(sorted(app.statuses.items())))}"
        )
    assert app.server_errors == []
    assert app.server_error_count == 0
    assert app.total >= 400, app.statuses  # the run really ran (identical cases are sent once)
    assert {200, 400, 404, 410} <= set(app.statuses)


def test_the_open_data_answers_every_procedure_of_the_commune_only(catalogue):
    """One generated-free request, read in full: the schema checks above can pass on an empty list."""
    commune = catalogue["commune"]
    schema = schemathesis.openapi.from_path(SCHEMA_PATH)
    operation = schema[JSON_PATH]["GET"]
    case = operation.Case()
    response = case.call(base_url=f"http://{commune.hostname}", app=CountingWSGIApp())
    case.validate_response(response, checks=POSITIVE_CHECKS)
    data = response.json()
    assert data["commune"] == commune.full_name and data["count"] == 2  # the abolished one is not listed
    assert [p["code"] for p in data["procedures"]] == ["2.000815.000.00.00.H55", "1.001193"]
    assert data["procedures"][1]["local"]["officer_phone"] == "0912 345 678"
    assert data["procedures"][1]["methods"][1] == {
        "channel": 2,
        "channel_name": "Trực tuyến",
        "time": "0.5",
        "unit": "ngày",
        "time_note": "",
        "fees": [{"amount": 8000, "note": "Lệ phí cấp bản sao"}],
    }
