"""The simulated sites speak the recorded sites' markup and behave like them."""
from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import requests
from bs4 import BeautifulSoup

from app.scrapers.platforms import get_scraper
from app.simulator.sites import TEMPLATES

from .conftest import START

ROSTER_URL = re.compile(r"ICURRENT|Default\.aspx|roster\.php|inmate_list|inmate-roster|_inmateList")


def fingerprint(markup: str) -> set[tuple[str, str, str]]:
    """The page's shape: every (tag, class, id) it uses and every label it prints."""
    soup = BeautifulSoup(markup, "html.parser")
    shape = {(tag.name, " ".join(tag.get("class") or []), tag.get("id") or "")
             for tag in soup.find_all(True)}
    shape |= {("label", text, "") for text in soup.stripped_strings if text.endswith(":") and len(text) < 40}
    return shape


def cassette_shapes(shared_dir, code: str) -> dict[str, set]:
    shapes = {"roster": set(), "person": set()}
    for moment in ("t0", "t1"):
        folder = shared_dir / "dockets" / code / "basic" / moment
        for entry in json.loads((folder / "index.json").read_text())["requests"]:
            body = (folder / entry["file"]).read_bytes().decode("utf-8", "replace")
            if body.lstrip()[:1] in ("[", "{") or body.strip().isdigit():
                continue   # Jackson's JSON is compared by its keys below
            shapes["roster" if ROSTER_URL.search(entry["url"]) else "person"] |= fingerprint(body)
    return shapes


@pytest.mark.parametrize("code", TEMPLATES)
def test_pages_have_the_recorded_sites_shape(code, simulate, fetcher, shared_dir):
    server = simulate(templates=[code], scale=0.12, turnover=25)
    declaration, = server.declarations()
    pages = []
    population = server.farm.jail(code).population
    for hours in (0, 24):
        moment = START + timedelta(hours=hours)
        server.clock.set(moment)
        # Knowing who was held a day ago makes the scraper visit released people's pages too.
        known = {b.ids["list_id"]: b.key for b in population.roster(moment - timedelta(hours=24))}
        get_scraper(declaration).scrape(fetcher(on_page=pages.append), now=moment, known_keys=known)
    simulated = {"roster": set(), "person": set()}
    for page in pages:
        if page.text.lstrip()[:1] in ("[", "{") or page.text.strip().isdigit():
            continue
        simulated["roster" if ROSTER_URL.search(page.url) else "person"] |= fingerprint(page.text)
    recorded = cassette_shapes(shared_dir, code)
    for kind in ("roster", "person"):
        assert simulated[kind] == recorded[kind], kind


def test_jackson_json_has_the_recorded_keys(simulate, shared_dir):
    server = simulate(templates=["jcadc"])
    page = requests.post(server.base_url_for("jcadc")
                         + "/jaildocket/_inmateList.php?Function=list&Page=1&Order=BookDesc&Search=0")
    recorded = json.loads((shared_dir / "dockets/jcadc/basic/t0/pages/list_page1.json").read_text())
    simulated = page.json()
    assert [list(row) for row in simulated] == [list(recorded[0])] * len(simulated)
    assert all(len(row["ID_Number"]) == 9 and row["ID_Number"].strip().isdigit() for row in simulated)
    count = requests.post(server.docket_url("jcadc")).text
    assert count == str(len(server.farm.custody_keys("jcadc", START)))


@pytest.mark.parametrize("code,path", [
    ("kcdc", "/roster.php?&grp={n}"), ("tcdc", "/roster.php?grp={n}"), ("ccdc", "/roster.php?grp={n}"),
    ("jcdc", "/roster.php?grp={n}"), ("hcdc", "/pgs/apps/inmate/inmate_list.asp?name_sch=Date&SS1=1&ScrollAction=Page+{page}"),
    ("acdc", "/inmate-roster/page/{page}/"),
])
def test_list_pages_show_everyone_once(code, path, simulate):
    server = simulate(templates=[code], scale=0.5)
    held = server.farm.custody_keys(code, START)
    session = requests.Session()
    seen = []
    for page in range(1, len(held) // 10 + 2):
        url = server.base_url_for(code) + path.format(n=page * 10, page=page)
        answer = session.get(url)
        if answer.status_code == 404:
            break
        soup = BeautifulSoup(answer.text, "html.parser")
        links = {a["href"] for a in soup.find_all("a", href=True)
                 if "booking_num=" in a["href"] or "inmate_detail" in a["href"] or "/inmate/" in a["href"]}
        seen += sorted(links)
    assert len(seen) == len(set(seen)) == len(held)


def test_a_slot_page_shows_whoever_holds_the_slot_now(simulate):
    server = simulate(templates=["mcdc"], turnover=4)
    site, population = server.farm.jail("mcdc").site, server.farm.jail("mcdc").population
    slot = len(population.roster(START)) // 2
    url = server.base_url_for("mcdc") + f"/agencyinfo/MS/4360/inmate/ICUD{slot:04d}.HTM"
    shown = []
    for hours in (0, 12, 24):
        moment = START + timedelta(hours=hours)
        server.clock.set(moment)
        page = requests.get(url)
        assert page.headers["Content-Type"] == "text/html; charset=windows-1252"
        holder = site.in_order(population.roster(moment))[slot - 1]
        assert f"INTAKE #:</b> {holder.ids['intake_number']}" in page.content.decode("cp1252")
        shown.append(holder.key)
    assert len(set(shown)) > 1
    beyond = len(population.roster(START + timedelta(hours=24))) + 1
    assert requests.get(url.replace(f"ICUD{slot:04d}", f"ICUD{beyond:04d}")).status_code == 404
    assert requests.get(url.replace(f"ICUD{slot:04d}.HTM", f"ICUP{slot:04d}.jpg")).status_code == 404


def test_a_released_persons_profile_shows_the_release_date(simulate):
    server = simulate(templates=["kcdc"], turnover=5)
    population = server.farm.jail("kcdc").population
    later = START + timedelta(hours=24)
    gone = population.released_between(START, later)[0]
    server.clock.set(later)
    profile = requests.get(server.base_url_for("kcdc") + f"/roster_view.php?booking_num={gone.key}").text
    assert "Release Date:" in profile
    assert gone.key not in requests.get(server.docket_url("kcdc")).text


def test_jasper_release_page_lists_the_last_two_days(simulate):
    server = simulate(templates=["jcj"], scale=1, turnover=5)
    later = START + timedelta(hours=36)
    server.clock.set(later)
    page = requests.get(server.base_url_for("jcj") + "/48-hour-release/").text
    gone = server.farm.jail("jcj").population.released_between(later - timedelta(hours=48), later)
    assert gone
    for booking in gone:
        assert f"<strong>Arrest #:</strong> {booking.key}" in page
    assert page.count("Release Date:") == len(gone)


def test_unknown_paths_and_jails_are_not_found(simulate):
    server = simulate(templates=["lcdc"], port_per_jail=False)
    base = server.base_url
    assert requests.get(base + "/nosuchjail/Default.aspx").status_code == 404
    assert requests.get(base + "/lcdc/InmateInfo.aspx?i=26&code=Lee&type=roster&iid=1").status_code == 404
    assert requests.get(base + "/lcdc/Default.aspx?i=99&code=Lee&type=roster").status_code == 404
    # On the shared port, the site lives below its prefix.
    assert server.docket_url("lcdc") == base + "/lcdc/Default.aspx?i=26&code=Lee&type=roster"
    assert requests.get(server.docket_url("lcdc")).status_code == 200
