def test_login_page_renders_in_indonesian(client):
    response = client.get("/masuk")
    assert response.status_code == 200
    assert "Masuk" in response.get_data(as_text=True)


def test_staff_login_and_home(client, org, login_as):
    response = login_as(org.staff_a1)
    assert response.status_code == 303
    home = client.get("/")
    assert home.status_code == 200
    assert "Staf A1" in home.get_data(as_text=True)
