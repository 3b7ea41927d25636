"""The golongan list follows the employment status (issue 15): with JavaScript only the grades of
the chosen status are offered; a grade of the other status is refused by the server anyway."""

from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import login


def test_golongan_follows_the_employment_status(page, live_server, live_app):
    org = factories.small_org()
    login(page, org.admin.email)
    page.goto("/admin/pegawai/baru")
    status = page.get_by_label("Status kepegawaian")
    golongan = page.get_by_label("Golongan")
    status.select_option("PNS")
    expect(golongan.locator("optgroup[label=PPPK]")).to_have_attribute("hidden", "")
    expect(golongan.locator("optgroup[label=PNS]")).not_to_have_attribute("hidden", "")
    golongan.select_option("III/a")
    status.select_option("PPPK")
    expect(golongan.locator("optgroup[label=PNS]")).to_have_attribute("hidden", "")
    expect(golongan).to_have_value("")  # a PNS grade does not survive the switch
    golongan.select_option("IX")
    expect(golongan).to_have_value("IX")
