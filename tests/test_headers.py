"""Security headers on the public site and in the admin."""

import re

import pytest


@pytest.fixture(autouse=True)
def brand_colour(commune_a):
    """The commune's colour is the page's one inline style, so the policy carries a nonce."""
    from pages.models import CommuneIdentity

    identity = CommuneIdentity.for_site(commune_a.site)
    identity.primary_color = "#0b4f9c"
    identity.save()


def test_public_pages_send_a_strict_content_security_policy(client, commune_a):
    response = client.get("/", HTTP_HOST=commune_a.hostname)
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["style-src"]
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'self'"
    assert directives["frame-src"] == "'self' https://www.youtube-nocookie.com"
    nonce = re.search(r"'nonce-([^']+)'", directives["style-src"]).group(1)
    body = response.content.decode()
    assert f'<style nonce="{nonce}">' in body
    assert "<script>" not in body and " onclick=" not in body
    for style in re.findall(r"<style[^>]*>", body):
        assert f'nonce="{nonce}"' in style


def test_every_response_has_a_fresh_nonce(client, commune_a):
    first = client.get("/", HTTP_HOST=commune_a.hostname)["Content-Security-Policy"]
    second = client.get("/", HTTP_HOST=commune_a.hostname)["Content-Security-Policy"]
    assert re.search(r"nonce-[^']+", first).group() != re.search(r"nonce-[^']+", second).group()


def test_admin_sends_its_own_policy_and_the_basic_headers(client, commune_a, editor_a):
    client.force_login(editor_a)
    response = client.get("/admin/", HTTP_HOST=commune_a.hostname)
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert "object-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] in ("DENY", "SAMEORIGIN")


def test_error_pages_carry_the_policy_too(client, commune_a):
    response = client.get("/khong-co-trang-nay/", HTTP_HOST=commune_a.hostname)
    assert response.status_code == 404
    assert "script-src 'self'" in response["Content-Security-Policy"]
