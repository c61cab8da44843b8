"""Certificate of completion: issued once every quiz of the course is passed, as a PDF with a
verification code that the public page /zertifikat-pruefen confirms.

- Eligible: every lesson of the course that has a quiz has its quiz passed (lesson_progress.passed;
  the best attempt counts). A course without any quiz issues no certificate.
- Issuing twice returns the same certificate: name, course, modules, duration and date are frozen
  at the first issue, so the PDF and the verification page always agree.
- The code: CODE_LENGTH random characters from an alphabet without look-alikes (no 0/O, 1/I/L,
  2/Z, 5/S, 8/B), shown in groups of four: 25^12 ≈ 6·10^16 codes, so guessing one is hopeless.
- Verification reveals only name, course title and date. Malformed codes are refused before any
  query. When the account is deleted the certificate row goes with it (personal data is not kept
  to keep a code verifiable): the page then says the code is unknown.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Literal

from progress import Conflict, Store

from progress import selfstudy as store

from .access import require_self
from .content import Catalog
from .countdown import hours_text
from .german_format import date_long, local_today
from .identity import User

CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 12
CODE_GROUP = 4
VERIFY_PATH = "zertifikat-pruefen"
EXAMPLE_CODE = "K7MX-3QPA-9HTR"  # shown as a format example; a valid shape, never issued on purpose
_CODE_SHAPE = re.compile(f"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")
_SEPARATORS = re.compile(r"[\s\-–—_.]")


class NotEligible(Exception):
    """Not every quiz is passed yet; the German message says so."""


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    return "-".join(code[i:i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


def normalise_code(text: object) -> str | None:
    """The stored form of a typed or pasted code (case, spaces, dashes ignored); None if malformed."""
    if not isinstance(text, str) or len(text) > 64:
        return None
    code = _SEPARATORS.sub("", text).upper()
    return code if _CODE_SHAPE.match(code) else None


def verify_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/{VERIFY_PATH}?code={format_code(code)}"


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    required: list[tuple[str, str]]  # (lesson id, title) of every lesson with a quiz
    missing: list[tuple[str, str]]  # those not passed yet


def quiz_lessons(catalog: Catalog) -> list[tuple[str, str]]:
    order = {m.id: m.order for m in catalog.modules}
    lessons = sorted((lesson for lesson in catalog.lessons if lesson.meta.module in order),
                     key=lambda lesson: (order[lesson.meta.module], lesson.meta.order))
    return [(lesson.id, lesson.meta.title) for lesson in lessons if catalog.quiz(lesson.id) is not None]


def eligibility(db: Store, actor: User, catalog: Catalog) -> Eligibility:
    require_self(actor, actor.id)
    required = quiz_lessons(catalog)
    passed = store.passed_lessons(db, actor.id)
    missing = [entry for entry in required if entry[0] not in passed]
    return Eligibility(bool(required) and not missing, required, missing)


def _course_values(actor: User, catalog: Catalog, today: date) -> dict:
    order = {m.id for m in catalog.modules}
    lessons = [lesson for lesson in catalog.lessons if lesson.meta.module in order]
    return {"holder_name": actor.display_name, "course_title": catalog.course.title,
            "modules": [f"Modul {m.order}: {m.title}" for m in catalog.modules],
            "lesson_count": len(lessons), "total_minutes": sum(lesson.meta.duration_minutes for lesson in lessons),
            "issued_at": today.isoformat()}


def my_certificate(db: Store, actor: User, catalog: Catalog) -> dict | None:
    """The certificate already issued to the actor for this course, or None."""
    require_self(actor, actor.id)
    if catalog.course is None:
        return None
    return store.certificate_of(db, actor.id, catalog.course.id)


def issue(db: Store, actor: User, catalog: Catalog, today: date | None = None) -> dict:
    """Issue the certificate (once); raises NotEligible while a quiz is not passed."""
    existing = my_certificate(db, actor, catalog)
    if existing is not None:
        return existing
    status = eligibility(db, actor, catalog)
    if not status.eligible or catalog.course is None:
        raise NotEligible("Das Zertifikat gibt es, sobald Sie alle Quizze des Kurses bestanden haben. "
                          f"Noch offen: {len(status.missing)} von {len(status.required)}.")
    values = _course_values(actor, catalog, today or local_today())
    for _ in range(10):
        try:
            return store.insert_certificate(db, actor.id, catalog.course.id, new_code(), values)
        except Conflict:  # code collision: astronomically rare, draw again
            continue
    raise RuntimeError("could not find a free certificate code")


def duration_text(minutes: int) -> str:
    return hours_text(minutes).replace("etwa ", "ca. ")


def issued_text(issued_at: str) -> str:
    return date_long(date.fromisoformat(issued_at))


def certificate_pdf(certificate: dict, base_url: str) -> bytes:
    """The certificate as PDF (A4, DejaVu Sans embedded, so umlauts and „quotes“ print)."""
    from .pdf import new_pdf

    pdf = new_pdf(f"Zertifikat – {certificate['course_title']}")
    pdf.set_author("Lotse")
    pdf.set_subject(f"Zertifikat für {certificate['holder_name']}")
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font(size=12)
    pdf.set_text_color(80, 80, 80)
    pdf.cell(width, 8, "Lotse – Lernplattform für die Kommunalverwaltung", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(18)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(style="B", size=30)
    pdf.cell(width, 14, "Zertifikat", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(12)
    pdf.set_font(style="", size=13)
    pdf.cell(width, 8, "Hiermit wird bestätigt, dass", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(style="B", size=20)
    pdf.multi_cell(width, 10, certificate["holder_name"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(style="", size=13)
    pdf.multi_cell(width, 7, "den Online-Kurs", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(style="B", size=15)
    pdf.multi_cell(width, 8, f"„{certificate['course_title']}“", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(style="", size=13)
    pdf.multi_cell(width, 7, "erfolgreich abgeschlossen hat. Die Quizze aller Lektionen wurden bestanden.",
                   align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font(style="B", size=12)
    pdf.cell(width, 7, "Inhalte", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(style="", size=11)
    for module in certificate["modules"]:
        pdf.multi_cell(width, 6, f"• {module}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.multi_cell(width, 6, f"Umfang: {certificate['lesson_count']} Lektionen, "
                             f"{duration_text(certificate['total_minutes'])} Lernzeit", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(width, 6, f"Ausgestellt am {issued_text(certificate['issued_at'])}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font(style="B", size=11)
    pdf.cell(width, 6, f"Prüfcode: {format_code(certificate['code'])}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(style="", size=10)
    link = verify_url(base_url, certificate["code"])
    pdf.multi_cell(width, 5, "Die Echtheit dieses Zertifikats können Sie online prüfen:", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(width, 5, link, link=link, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def file_name(certificate: dict) -> str:
    return f"zertifikat-{format_code(certificate['code']).lower()}.pdf"


@dataclass(frozen=True)
class Verification:
    status: Literal["valid", "unknown", "malformed", "empty"]
    holder_name: str = ""
    course_title: str = ""
    issued_on: str = ""  # German date


def verify(db: Store, text: object) -> Verification:
    """Check a code from the public page; no sign-in needed, nothing but name, course and date returned."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return Verification("empty")
    code = normalise_code(text)
    if code is None:
        return Verification("malformed")
    row = store.certificate_by_code(db, code)
    if row is None:
        return Verification("unknown")
    return Verification("valid", row["holder_name"], row["course_title"], issued_text(row["issued_at"]))
