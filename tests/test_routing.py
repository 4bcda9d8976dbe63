from wagtail.models import Site

from pages.models import CommuneHomePage


def test_commune_answers_on_its_own_hostname(client, commune_a, commune_b):
    response = client.get("/", HTTP_HOST=commune_a.hostname)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Xã Động Đạt" in body
    assert "Tân Phú" not in body


def test_commune_sections_answer_under_its_hostname(client, commune_a):
    assert client.get("/tin-tuc/", HTTP_HOST=commune_a.hostname).status_code == 200
    assert client.get("/thu-tuc-hanh-chinh/", HTTP_HOST=commune_a.hostname).status_code == 200


def test_port_in_host_header_is_accepted(client, commune_a):
    assert client.get("/", HTTP_HOST=f"{commune_a.hostname}:8000").status_code == 200


def test_portal_lists_provinces_and_communes(client, commune_a, commune_b):
    body = client.get("/", HTTP_HOST="localhost").content.decode()
    assert "Thái Nguyên" in body and "Quảng Ngãi" in body
    assert "/thai-nguyen/dong-dat/" in body
    assert "Xã Tân Phú" in body


def test_portal_serves_commune_by_province_and_commune_path(client, commune_a):
    response = client.get("/thai-nguyen/dong-dat/", HTTP_HOST="localhost")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Xã Động Đạt" in body
    # Links stay on the portal path form, because the commune's domain may not resolve yet.
    assert 'href="/thai-nguyen/dong-dat/tin-tuc/"' in body
    assert client.get("/thai-nguyen/dong-dat/tin-tuc/", HTTP_HOST="localhost").status_code == 200


def test_page_url_without_request_uses_the_commune_hostname(commune_a):
    home = CommuneHomePage.objects.get(pk=commune_a.home_page_id)
    assert home.full_url == "http://dongdat.thainguyen.gov.vn/"
    news = home.get_children().get(slug="tin-tuc")
    assert news.full_url == "http://dongdat.thainguyen.gov.vn/tin-tuc/"


def test_unknown_host_gets_400_never_a_site(client, commune_a):
    for host in ("evil.example.com", "thainguyen.gov.vn", "dongdat.thainguyen.gov.vn.evil.com", "127.0.0.1"):
        response = client.get("/", HTTP_HOST=host)
        assert response.status_code == 400, host
        assert "Động Đạt" not in response.content.decode()


def test_unknown_host_gets_400_on_admin_too(client, commune_a):
    assert client.get("/admin/login/", HTTP_HOST="unknown.example").status_code == 400


def test_hostname_change_is_seen_at_once(client, commune_a):
    assert client.get("/", HTTP_HOST=commune_a.hostname).status_code == 200
    site = Site.objects.get(pk=commune_a.site_id)
    site.hostname = "moi.thainguyen.gov.vn"
    site.save()  # signals clear the cached entry of the old and the new hostname
    assert client.get("/", HTTP_HOST=commune_a.hostname).status_code == 400
    assert client.get("/", HTTP_HOST="moi.thainguyen.gov.vn").status_code == 200


def test_robots_txt_names_the_sitemap(client, commune_a):
    body = client.get("/robots.txt", HTTP_HOST=commune_a.hostname).content.decode()
    assert "Disallow: /admin/" in body
    assert "http://dongdat.thainguyen.gov.vn/sitemap.xml" in body
