import os

import pytest
from django.core.cache import cache
from django.test.client import ClientMixin

from tests.factories import CommuneFactory, ProvinceFactory, make_officer, make_province_admin, mark_verified


def pytest_collection_modifyitems(config, items):
    """Tests that need PostgreSQL or the browser are skipped when those are missing, unless CI requires them."""
    on_postgres = "postgres" in os.environ.get("DATABASE_URL", "")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            if os.environ.get("REQUIRE_POSTGRES") == "1":
                raise pytest.UsageError("REQUIRE_POSTGRES=1 but DATABASE_URL is not PostgreSQL")
            item.add_marker(pytest.mark.skip(reason="cần PostgreSQL (đặt DATABASE_URL)"))


def clear_cache():
    """Empty this test worker's cache. On Redis, flushdb would also wipe the other workers' keys."""
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _clean_cache():
    clear_cache()
    yield
    clear_cache()


@pytest.fixture(autouse=True, scope="session")
def _force_login_completes_two_factor():
    """force_login skips the login form, so it skips the second factor too: a user who has a confirmed
    TOTP device (every province admin and operator from the factories) gets a session that has passed it,
    as after a real login with the code. Users without a device are left as they are, so enforcement
    still sends them to setup. To test the 2FA pages themselves, sign in through the login form."""
    original = ClientMixin.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        mark_verified(self, user)

    ClientMixin.force_login = force_login
    yield
    ClientMixin.force_login = original


@pytest.fixture
def uncached(settings):
    """Public pages are rendered on every request: for counting the queries a page itself makes.
    Every other test runs with the page cache on, so a missed invalidation shows up as a stale page."""
    settings.XASO_PAGE_CACHE = False


@pytest.fixture
def province_a(db):
    return ProvinceFactory(name="Thái Nguyên", domain="thainguyen.gov.vn")


@pytest.fixture
def province_b(db):
    return ProvinceFactory(name="Quảng Ngãi", domain="quangngai.gov.vn")


@pytest.fixture
def commune_a(province_a):
    return CommuneFactory(province=province_a, name="Động Đạt")


@pytest.fixture
def commune_a2(province_a):
    """A second commune of A's province: shares A's procedure catalogue, not A's content."""
    return CommuneFactory(province=province_a, name="Phú Lương")


@pytest.fixture
def commune_b(province_b):
    return CommuneFactory(province=province_b, name="Tân Phú")


@pytest.fixture
def editor_a(commune_a):
    return make_officer(commune_a, "editor", username="bientap.a")


@pytest.fixture
def approver_a(commune_a):
    return make_officer(commune_a, "approver", username="pheduyet.a")


@pytest.fixture
def editor_b(commune_b):
    return make_officer(commune_b, "editor", username="bientap.b")


@pytest.fixture
def province_admin_a(province_a):
    return make_province_admin(province_a, username="quantri.thainguyen")


@pytest.fixture
def province_admin_b(province_b):
    return make_province_admin(province_b, username="quantri.quangngai")


@pytest.fixture
def template_a(commune_a):
    """Commune A filled with the demo content (news, documents, procedures, videos, galleries, banners,
    footer): the template a workshop's practice sites are copied from."""
    import io

    from sites.management.commands.seed_demo import seed_content

    seed_content([commune_a], io.StringIO())
    commune_a.refresh_from_db()
    return commune_a


@pytest.fixture
def trainer_a(province_a):
    """A designated trainer of A's province: runs workshops, reaches no commune's content."""
    from sites import services

    user, _password = services.officer_create(
        username="giangvien.a",
        email="giangvien.a@example.vn",
        role=services.ROLE_TRAINER,
        province=province_a,
        password="mat-khau-thu-1",
    )
    return user


@pytest.fixture
def workshop_a(commune_a):
    """An open 3-seat workshop in A's province, copied from commune A as provisioned (fast; template_a is
    the realistic, slower template)."""
    from training.services import WorkshopRequest, workshop_create

    return workshop_create(
        WorkshopRequest(province=commune_a.province, name="Tập huấn thử", trainees=3, template=commune_a)
    )
