"""The import page lists every active unit's code for unit_kode and offers the template file
(issue 15)."""

from tests.conftest import PASSWORD


def test_import_page_lists_unit_codes_and_the_template(client, org):
    client.post("/masuk", data={"identifier": org.admin.email, "password": PASSWORD})
    html = client.get("/admin/impor").get_data(as_text=True)
    assert 'id="kode-unit"' in html
    for unit in (org.kec, org.kel_a, org.kel_b):
        assert f"<code>{unit.code}</code>" in html and unit.name in html
    assert 'href="/admin/impor/contoh.csv" download' in html
    template = client.get("/admin/impor/contoh.csv")
    assert template.status_code == 200 and "unit_kode" in template.get_data(as_text=True)
