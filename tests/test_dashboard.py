"""An officer logs in and lands on their commune's dashboard."""

from sites.dashboard import quick_actions


def test_editor_dashboard_shows_own_commune_and_everyday_actions(client, commune_a, commune_b, editor_a):
    client.force_login(editor_a)
    body = client.get("/admin/", HTTP_HOST=commune_a.hostname).content.decode()
    assert "Xã Động Đạt" in body
    assert "Việc thường làm" in body
    assert "Sửa thông tin chân trang" in body
    assert f"/admin/settings/pages/communeidentity/{commune_a.site_id}/" in body
    assert "Tân Phú" not in body


def test_quick_actions_point_into_the_communes_own_sections(commune_a):
    actions = {a.label: a.url for a in quick_actions(commune_a)}
    assert actions["Cập nhật thủ tục hành chính"] == "/admin/snippets/procedures/communeprocedure/"
    assert actions["Tải hình ảnh lên"] == "/admin/images/multiple/add/"
    section = commune_a.home_page.get_children().get(slug="cong-khai")
    assert actions["Đăng thông tin công khai"] == f"/admin/pages/add/disclosures/disclosurepage/{section.pk}/"


def test_dashboard_lists_drafts_and_recent_changes_of_the_commune_only(client, commune_a, commune_b, editor_a):
    news_a = commune_a.home_page.get_children().get(slug="tin-tuc").specific
    news_b = commune_b.home_page.get_children().get(slug="tin-tuc").specific
    news_a.title = "Tin tức bản nháp A"
    news_a.save_revision(user=editor_a, log_action=True)
    news_b.title = "Tin tức bản nháp B-BIMAT"
    news_b.save_revision(log_action=True)
    client.force_login(editor_a)
    body = client.get("/admin/", HTTP_HOST=commune_a.hostname).content.decode()
    assert "Tin tức bản nháp A" in body
    assert "B-BIMAT" not in body


def test_province_admin_and_operator_get_no_commune_panel(client, commune_a, province_admin_a):
    client.force_login(province_admin_a)
    body = client.get("/admin/", HTTP_HOST="localhost").content.decode()
    assert "Việc thường làm" not in body
