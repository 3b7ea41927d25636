"""Forms read top to bottom (issue 15): every control starts under its label, at the same left
edge as the label, however much room the line would leave beside a short label; the catalogue's
seats checkbox sits on the controls' line and the search label stays on one line."""

import pytest

from tests import factories
from tests import factories_workshops as wf
from tests.e2e.conftest import login


@pytest.mark.parametrize("width", [1280, 390])
def test_controls_start_under_their_labels(page, live_server, live_app, width):
    org = factories.small_org()
    page.set_viewport_size({"width": width, "height": 900})
    login(page, org.lurah_a.email)
    page.goto(f"/umpan-balik/baru?receiver={org.staff_a1.id}")
    boxes = page.eval_on_selector_all(
        ".field:not(.field-check) > label + :is(input, select, textarea),"
        ".field:not(.field-check) > label + .req + :is(input, select, textarea)",
        """controls => controls.map(control => {
            const label = control.parentElement.querySelector(':scope > label');
            const l = label.getBoundingClientRect(), c = control.getBoundingClientRect();
            return {id: control.id, labelLeft: l.left, labelBottom: l.bottom,
                    left: c.left, top: c.top};
        })""",
    )
    assert len(boxes) >= 4, boxes
    misplaced = [
        b for b in boxes if abs(b["left"] - b["labelLeft"]) > 1 or b["top"] < b["labelBottom"] - 1
    ]
    assert misplaced == []


def test_catalogue_filter_lines_up(page, live_server, live_app):
    org = factories.small_org()
    wf.session(wf.workshop(org.organizer, "Teknik Presentasi"))
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, org.staff_a1.email)
    page.goto("/pelatihan/")
    label = page.locator("label[for=q]").bounding_box()
    search = page.locator("#q").bounding_box()
    checkbox = page.locator("#seats").bounding_box()
    # The search label on one line: no taller than one line of its text (about 1.5rem).
    assert label["height"] < 30, label
    # The checkbox's middle lies within the search box's height, not up among the labels.
    middle = checkbox["y"] + checkbox["height"] / 2
    assert search["y"] <= middle <= search["y"] + search["height"], (checkbox, search)
