def test_commune_home_answers_on_its_hostname(client, commune_a):
    response = client.get("/", HTTP_HOST=commune_a.hostname)
    assert response.status_code == 200
    assert "Xã Động Đạt" in response.content.decode()
