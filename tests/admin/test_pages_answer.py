"""Every back-office page answers for the people who may use it, and refuses the rest."""
from __future__ import annotations

import pytest

from tests.admin.conftest import sign_in

OFFICER_SIDE = ["officer", "incident", "link", "assignment", "salary", "note", "description", "unit"]
ADMIN_ONLY_MODELS = ["job", "department", "location", "licenseplate", "user", "booking",
                     "scraperun", "agencyalias", "agency", "jail"]
ADMIN_ONLY_PAGES = ["/admin/dashboard/", "/admin/scrapehealth/", "/admin/aliasqueue/"]


def test_administrator_opens_every_page(as_admin):
    for name in OFFICER_SIDE + ADMIN_ONLY_MODELS:
        response = as_admin.get(f"/admin/{name}/")
        assert response.status_code == 200, (name, response.get_data(as_text=True)[-3000:])
        if name not in ("booking", "scraperun", "jail"):
            assert as_admin.get(f"/admin/{name}/new/").status_code == 200, name
    for url in ADMIN_ONLY_PAGES + ["/admin/", "/admin/bulkimport/"]:
        assert as_admin.get(url).status_code == 200, url


def test_coordinator_opens_their_pages_and_is_refused_the_rest(as_north):
    for name in OFFICER_SIDE:
        assert as_north.get(f"/admin/{name}/").status_code == 200, name
        assert as_north.get(f"/admin/{name}/new/").status_code == 200, name
    assert as_north.get("/admin/").status_code == 200
    assert as_north.get("/admin/bulkimport/").status_code == 200
    for name in ADMIN_ONLY_MODELS:
        assert as_north.get(f"/admin/{name}/").status_code == 403, name
    for url in ADMIN_ONLY_PAGES:
        assert as_north.get(url).status_code == 403, url


@pytest.mark.parametrize("url", ["/admin/officer/", "/admin/booking/", "/admin/dashboard/",
                                 "/admin/bulkimport/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, world, url):
    response = client.get(url)
    assert response.status_code in (302, 303)
    assert "/auth/login" in response.headers["Location"]


def test_a_user_with_no_role_is_refused(app, client, world):
    from app.extensions import db
    from tests.admin.conftest import make_user

    with app.app_context():
        make_user("nobody")
        db.session.commit()
    sign_in(client, "nobody")
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/officer/").status_code == 403
