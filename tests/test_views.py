def test_the_favicon_browsers_ask_for_redirects_to_the_static_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.svg"


def test_the_favicon_refuses_a_post(client):
    assert client.post("/favicon.ico").status_code == 405
