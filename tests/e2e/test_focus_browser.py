"""Focus indicators (issue 15): the ring a keyboard user follows has at least 3:1 contrast
against the background it is drawn on, in the green header and in the page below it."""

from tests import factories
from tests.e2e.conftest import login

CONTRAST = """element => {
    const rgb = text => (text.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
    const luminance = ([r, g, b]) => {
        const channel = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    // The background the ring is drawn on: the first ancestor with an opaque background.
    let node = element.parentElement, background = null;
    while (node) {
        const style = getComputedStyle(node);
        if (!style.backgroundColor.startsWith('rgba(0, 0, 0, 0)') && style.backgroundColor !== 'transparent') {
            background = rgb(style.backgroundColor); break;
        }
        node = node.parentElement;
    }
    background = background || [255, 255, 255];
    const ring = getComputedStyle(element);
    const [a, b] = [luminance(rgb(ring.outlineColor)), luminance(background)];
    return {style: ring.outlineStyle, width: parseFloat(ring.outlineWidth),
            ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)};
}"""


def test_focus_rings_have_three_to_one_contrast(page, live_server, live_app):
    org = factories.small_org()
    login(page, org.staff_a1.email)
    page.goto("/")
    seen = []
    for _ in range(25):  # Tab through the header into the page
        page.keyboard.press("Tab")
        ring = page.evaluate(f"({CONTRAST})(document.activeElement)")
        where = page.evaluate("!!document.activeElement.closest('.site-header')")
        if ring["style"] != "none":
            seen.append((where, ring))
    in_header = [ring for where, ring in seen if where]
    below = [ring for where, ring in seen if not where]
    assert in_header and below, seen
    assert [r for _w, r in seen if r["ratio"] < 3 or r["width"] < 2] == []
