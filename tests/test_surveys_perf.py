"""The root results page runs the same number of queries with 50 and with 5,000 responses, for an
open wave (aggregated in SQL per request) and for closed waves (stored aggregates)."""

from tests import factories_surveys as fs

# Two dimensions of three items: the number of responses is what the test varies.
SMALL = [("R1", "readiness", [False, False, True]), ("S1", "resistance", [False, True, False])]


def _fill(t, w, org, n):
    per_unit = {org.kel_a: n * 2 // 5, org.kel_b: n * 2 // 5, org.sek: n - 4 * (n // 5)}
    for unit, count in per_unit.items():
        rows = fs.uniform(t, 4, count // 2, comment="bagus") + fs.uniform(t, 2, count - count // 2)
        fs.responses(w, unit, rows)


def test_open_wave_root_page_queries_do_not_grow(org, client, login_as, queries):
    t = fs.instrument(SMALL)
    w = fs.wave(t.inst, [org.kec], k=5)
    _fill(t, w, org, 50)
    login_as(org.camat)
    url = f"/survei/hasil/{w.id}"
    assert client.get(url).status_code == 200
    with queries() as small:
        client.get(url)
    _fill(t, w, org, 4950)
    client.get(url)  # the same warm-up as above (the test's commits expire loaded objects)
    with queries() as large:
        page = client.get(url).get_data(as_text=True)
    assert "5.000" in page  # the respondents' count, Indonesian grouping
    assert small.count == large.count, "\n".join(s[:150] for s in large.statements)
    assert small.count <= 40


def test_closed_wave_root_page_queries_do_not_grow(org, client, login_as, queries):
    counts = []
    for n in (50, 5000):
        t = fs.instrument(SMALL, name=f"Instrumen {n}")
        w = fs.wave(t.inst, [org.kec], k=5, title=f"Gelombang {n}")
        _fill(t, w, org, n)
        fs.close(w)
        login_as(org.camat)
        url = f"/survei/hasil/{w.id}"
        client.get(url)
        with queries() as counter:
            assert client.get(url).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
