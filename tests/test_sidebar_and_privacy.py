"""Issue 17, point 9: signing out from the sidebar on every page; the privacy page links to the data
download in „Mein Konto“."""

from __future__ import annotations


def test_every_page_offers_sign_out_in_the_sidebar(signed_in_app, make_user):
    learner = make_user("learner")
    at = signed_in_app(learner, page="app_pages/fortschritt.py")
    assert not at.exception
    assert any(f"Angemeldet als {learner.display_name}" in c.value for c in at.sidebar.caption)
    at.sidebar.button(key="sidebar-abmelden").click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Anmelden"], [t.value for t in at.title]
    assert any("Sie wurden abgemeldet" in i.value for i in at.info), [i.value for i in at.info]


def test_privacy_page_links_to_the_data_download(signed_in_app, make_user):
    at = signed_in_app(make_user("learner"), page="app_pages/datenschutz.py")
    assert not at.exception
    labels = [link.proto.label for link in at.get("page_link")]
    assert any("Daten herunterladen" in label for label in labels), labels


def test_glossary_opens_on_a_letter_not_on_digits(signed_in_app, make_user):
    """The real glossary has a term starting with a digit („5 ½ Stoßrichtungen“): it used to open on
    "#" showing that one term."""
    at = signed_in_app(make_user("learner"), page="app_pages/glossar.py")
    assert not at.exception
    pills = at.get("button_group")[0]
    assert [h.value for h in at.header][0] == "A", [h.value for h in at.header]
    assert "#" not in [h.value for h in at.header]
    assert pills.proto.options[-2].content == "0–9", [o.content for o in pills.proto.options]
