"""Presentation mode (issue 20): no trainer page shows a learner's name or login while the trainer
presents, in any element of the rendered page.

A cohort of six learners; one of them, "Kanarienvogel Erika" (login kanari.erika), is a canary: she
answers a quiz, shares a project (with comments by her and the trainer) and a reflection entry. Every
page a trainer can open (enumerated from app.py) is rendered with AppTest in presentation mode, and
the canary must not appear anywhere in the element tree: Markdown, captions, tables and charts (their
Arrow data), select options, tab and expander labels, download labels, sidebar. A control run
without presentation mode shows that the same collection does find the name where it belongs.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from lotse import learning, reflection
from lotse import projects as P
from lotse.analytics.pseudonyms import PSEUDONYM
from lotse.display_names import SOMEONE, cohort_names
from progress import cohorts as cohort_sql
from selfstudy_course import content_dir, right_answers, wrong_answers  # noqa: F401 (fixture)
from ui.cockpit import PRESENTATION_KEY

ROOT = Path(__file__).resolve().parent.parent
NAME, LOGIN = "Kanarienvogel Erika", "kanari.erika"
CANARIES = (NAME, LOGIN, "Kanarienvogel", "kanari")
OTHERS = ["Anna Alt", "Ben Bauer", "Cara Cordes", "Dora Dietz", "Emil Eck"]
COMMENT = "Bitte die Anforderungen schärfen."


def trainer_pages() -> list[str]:
    """Every page a trainer can open, from app.py's PAGES (role tuples ALL and STAFF)."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    rows = next(node.value for node in tree.body if isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "PAGES" for t in node.targets))
    return [f"app_pages/{row.elts[1].value}.py" for row in rows.elts
            if isinstance(row.elts[-1], ast.Name) and row.elts[-1].id in ("ALL", "STAFF")]


PAGES = trainer_pages()


@pytest.fixture
def world(db, make_user, content_dir, monkeypatch):
    for name, value in {"LOTSE_TRAINER_VIEW": "antworten", "LOTSE_TRAINER_READING_TIME": "person",
                        "LOTSE_TRAINER_ACTIVITY": "person", "LOTSE_MIN_GROUP_SIZE": "1"}.items():
        monkeypatch.setenv(name, value)  # the most open policy: names wherever the policy allows them
    from lotse.content import load_catalog
    catalog = load_catalog(content_dir)
    trainer = make_user("trainer", login="tilda", display_name="Trainerin Tilda")
    cohort = cohort_sql.insert_cohort(db, "Kohorte Beamer", trainer.id, "BEAMERCD")
    people = [make_user("learner", login=f"person{i}", display_name=name) for i, name in enumerate(OTHERS)]
    canary = make_user("learner", login=LOGIN, display_name=NAME)
    quiz = catalog.quiz("l1")
    for index, person in enumerate([*people, canary]):
        cohort_sql.add_member(db, cohort, person.id)
        learning.open_lesson(db, person, "l1", f"view-{person.id}")
        learning.mark_read(db, person, "l1")
        answers = right_answers(catalog, "l1") if index % 2 else wrong_answers(catalog, "l1")
        learning.submit_attempt(db, person, quiz, 1, answers)
    project = P.create_project(db, canary, "Digitale Hallenbelegung")
    P.share_project(db, canary, project.id, cohort)
    first = P.add_comment(db, trainer, project.id, "anforderungen", COMMENT)
    P.answer_comment(db, canary, project.id, first, "Mache ich.")
    entry = reflection.add_entry(db, canary, catalog, "l3", "rolle-heute", "Meine Rolle heute: vermitteln.")
    reflection.share_entry(db, canary, entry, cohort)
    return {"trainer": trainer, "cohort": cohort, "canary": canary, "project": project.id}


def rendered(node) -> bytes:
    """Every element and block of an AppTest tree as its serialized protobuf (texts, options, labels,
    the Arrow data of tables and charts), depth first."""
    proto = getattr(node, "proto", None)
    out = proto.SerializeToString() if proto is not None and hasattr(proto, "SerializeToString") else b""
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        out += b"".join(rendered(children[key]) for key in sorted(children))
    return out


def found(at) -> list[str]:
    page = rendered(at._tree).decode("utf-8", "replace").casefold()
    return [c for c in CANARIES if c.casefold() in page]


def open_as_trainer(signed_in_app, trainer, page: str, presenting: bool):
    at = signed_in_app(trainer)
    at.session_state[PRESENTATION_KEY] = presenting
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("page", PAGES, ids=lambda p: Path(p).stem)
def test_no_name_or_login_on_any_trainer_page_while_presenting(signed_in_app, world, page):
    at = open_as_trainer(signed_in_app, world["trainer"], page, presenting=True)
    assert found(at) == [], f"{page} shows {found(at)} in presentation mode"


@pytest.mark.parametrize("page", ["projekte_trainer", "reflexion", "kohorten", "teilnehmende", "cockpit"])
def test_without_presentation_mode_the_same_pages_show_the_name(signed_in_app, world, page):
    """The control: the collection above finds the canary where a name belongs."""
    at = open_as_trainer(signed_in_app, world["trainer"], f"app_pages/{page}.py", presenting=False)
    assert NAME.casefold() in [c.casefold() for c in found(at)]


def test_projects_show_the_cockpits_pseudonym_and_keep_the_content(signed_in_app, world, db):
    at = open_as_trainer(signed_in_app, world["trainer"], "app_pages/projekte_trainer.py", presenting=True)
    pseudonym = cohort_names(db, world["cohort"], True).of(world["canary"].id, NAME)
    assert pseudonym == PSEUDONYM.format(6)  # the sixth account of the cohort, as in the cockpit
    table = at.dataframe[0].value
    assert table["Teilnehmende"].tolist() == [pseudonym]
    assert table["Projekt"].tolist() == ["Digitale Hallenbelegung"]  # shared on purpose: content stays
    text = rendered(at._tree).decode("utf-8", "replace").replace("\\", "")  # Markdown escapes
    assert COMMENT in text and "Trainerin Tilda" in text  # the presenting trainer keeps their own name
    assert at.toggle(key="projekte-kohorte-presentation").value is True


def test_the_same_person_has_the_same_pseudonym_in_every_view(world, db):
    trainer, cohort, canary = world["trainer"], world["cohort"], world["canary"]
    from lotse.analytics.learner import cohort_learners
    cockpit = cohort_learners(db, trainer, cohort, pseudonymous=True)[canary.id]
    projects = P.shared_projects(db, trainer, cohort, presenting=True)[0]["owner_name"]
    owner = P.load_project(db, trainer, world["project"], presenting=True).owner_name
    answer = P.comments(db, trainer, world["project"], presenting=True)["anforderungen"][0]["answers"][0]["author_name"]
    counts = {r["user_id"]: r["display_name"] for r in reflection.entry_counts(db, trainer, cohort, presenting=True)}
    shared = reflection.shared_with_me(db, trainer, cohort, presenting=True)[0]
    from lotse.cohorts import members
    member = next(m for m in members(db, trainer, cohort, presenting=True) if m["id"] == canary.id)
    assert {cockpit, projects, owner, answer, counts[canary.id], shared["learner_name"],
            member["display_name"]} == {"Person 6"}
    assert member["login"] is None and shared["text"] is None  # a journal entry was shared with the trainer alone
    # the owner sees her own project with her own name
    assert P.load_project(db, canary, world["project"], presenting=True).owner_name == NAME


def test_someone_outside_the_cohort_is_no_name_either(db, world):
    names = cohort_names(db, world["cohort"], True, actor_id=world["trainer"].id)
    assert names.of(999_999, "Ehemals Mitglied") == SOMEONE
    assert names.of(world["trainer"].id, "Trainerin Tilda") == "Trainerin Tilda"
