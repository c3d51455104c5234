"""Scaffolding a new jail on a known platform: its declaration, an empty cassette and a test
that fails until the cassette is recorded and passes once it is."""
from __future__ import annotations

import importlib.util
import json
import shutil

import pytest

from app.scrapers import jails
from app.scrapers.fetch import CassetteFetcher
from app.scrapers.jails import load_declarations
from app.scrapers.scaffold import scaffold_jail
from tests.scrapers.support import basic

KEMPER_LIKE = dict(code="wcdc", platform="sheriff_roster", name="Winston County Detention Center",
                   county="Winston", url="https://www.kempercountysheriff.com/roster.php")


def scaffold(root, **changes):
    arguments = dict(KEMPER_LIKE, **changes)
    return scaffold_jail(arguments.pop("code"), arguments.pop("platform"), arguments.pop("name"),
                         arguments.pop("county"), arguments.pop("url"), root)


def load_test_module(path):
    spec = importlib.util.spec_from_file_location("scaffolded_jail_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_writes_a_declaration_a_cassette_and_a_test(tmp_path):
    created = scaffold(tmp_path)

    config = tmp_path / "app" / "scrapers" / "jail_configs" / "wcdc.json"
    cassette = tmp_path / "tests" / "scrapers" / "cassettes" / "wcdc" / "basic" / "t0"
    test_module = tmp_path / "tests" / "scrapers" / "test_wcdc.py"
    assert created == [config, cassette / "index.json", cassette / "pages", test_module]
    (declared,) = load_declarations(config.parent)
    assert (declared.code, declared.platform, declared.county, declared.docket_url) == (
        "wcdc", "sheriff_roster", "Winston", KEMPER_LIKE["url"])
    assert declared.division_id == "ocd-division/country:us/state:ms/county:winston"
    assert declared.scrape_started_on is not None and declared.active
    assert CassetteFetcher(cassette).jail == "wcdc" and list((cassette / "pages").iterdir()) == []


def test_the_scaffolded_test_fails_until_the_docket_is_recorded(tmp_path, monkeypatch):
    scaffold(tmp_path)
    (declared,) = load_declarations(tmp_path / "app" / "scrapers" / "jail_configs")
    # What the registry will hold once the app starts with the new file in jail_configs/.
    monkeypatch.setitem(jails.BY_CODE, "wcdc", declared)
    module = load_test_module(tmp_path / "tests" / "scrapers" / "test_wcdc.py")

    with pytest.raises(AssertionError):
        module.test_wcdc_reads_its_whole_roster()          # an empty cassette: the roster 404s

    cassette = module.CASSETTE
    shutil.rmtree(cassette)
    shutil.copytree(basic("kcdc", "t0"), cassette)
    index = json.loads((cassette / "index.json").read_text())
    (cassette / "index.json").write_text(json.dumps(dict(index, jail="wcdc")))
    module.test_wcdc_reads_its_whole_roster()


@pytest.mark.parametrize("changes, message", [
    (dict(code="mcdc"), "already declared"),
    (dict(code="W-1"), "must be 2-20 lower-case"),
    (dict(platform="laserfiche"), "unknown platform 'laserfiche'"),
    (dict(url="ftp://example.org/roster"), "not an http(s) URL"),
    (dict(county=" "), "needs a name and a county"),
])
def test_refuses_what_cannot_work(tmp_path, changes, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        scaffold(tmp_path, **changes)
    assert not (tmp_path / "app").exists() and not (tmp_path / "tests").exists()


def test_never_overwrites(tmp_path):
    test_module = tmp_path / "tests" / "scrapers" / "test_wcdc.py"
    test_module.parent.mkdir(parents=True)
    test_module.write_text("# hand-written\n")
    with pytest.raises(FileExistsError, match="test_wcdc.py"):
        scaffold(tmp_path)
    assert test_module.read_text() == "# hand-written\n"
    assert not (tmp_path / "app").exists()


def test_the_registry_reads_every_declared_jail():
    assert [jail.code for jail in jails.JAILS][:11] == [
        "mcdc", "prcdf", "lcdc", "jcdc", "hcdc", "kcdc", "tcdc", "acdc", "ccdc", "jcj", "jcadc"]
    assert all(jails.get(jail.code) is jail for jail in jails.JAILS)
    with pytest.raises(KeyError, match="unknown jail 'nope'"):
        jails.get("nope")
