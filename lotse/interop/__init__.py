"""Interoperability: Moodle GIFT and Moodle XML import/export, ILIAS (QTI) import, xAPI statements, LRS client.

Modules: common (errors, import/export results, Moodle grades, ids), text_formats (Moodle text
formats -> Markdown), gift / moodle_xml / ilias_qti (readers), gift_writer / moodle_xml_writer (writers),
moodle_xml_parts / qti_parts / gift_parts / xapi_parts (the element builders, readers and escaping
that the format modules share with the question type modules; they import no question type),
quiz_yaml (drafts -> Quiz, Quiz <-> YAML), exchange (what the CLI and the trainer page do with a
file), xapi (statements), xapi_interactions (interaction definitions and responses),
xapi_rules (statement validator), lrs (sending to an LRS). What is particular to a question type
(its Moodle XML, ILIAS and GIFT mapping, its xAPI interaction) lives in its module of
lotse.question_types; the modules here hold the file formats and call the registry (one way: type
modules import only the *_parts helpers, common and text_formats). The public names of the format,
xAPI and LRS modules are importable from here.
"""

from __future__ import annotations

from lotse.interop.common import (MOODLE_FRACTIONS, SLUG_RE, Draft, ExportResult, ImportResult,
                                  InteropError, Skipped, append_explanation, choice_data,
                                  format_number, format_weight, is_moodle_grade, slugify,
                                  unique_slug)
from lotse.interop.text_formats import escape_markdown, html_to_markdown, to_markdown
from lotse.interop.gift import parse_gift
from lotse.interop.gift_writer import NotRepresentable, export_gift
from lotse.interop.moodle_xml import parse_moodle_xml
from lotse.interop.ilias_qti import parse_ilias_qti
from lotse.interop.moodle_xml_writer import export_moodle_xml
from lotse.interop.quiz_yaml import build_quiz, canonical, dump_quiz, load_quiz
from lotse.interop.xapi_rules import INTERACTION_TYPES, is_iri, validate_statement
from lotse.interop.xapi_interactions import format_response, interaction
from lotse.interop.xapi import (AnswerRecord, LessonEvent, QuizAttempt, XapiConfig, build_statements,
                                iso_timestamp, pseudonym)
from lotse.interop.lrs import Ledger, LrsClient, LrsConfig, LrsError, MemoryLedger, SendReport

__all__ = ["InteropError", "Skipped", "parse_ilias_qti", "Draft", "ImportResult", "ExportResult", "choice_data",
           "append_explanation", "slugify", "unique_slug", "to_markdown", "html_to_markdown",
           "escape_markdown", "is_moodle_grade", "format_number", "format_weight",
           "MOODLE_FRACTIONS", "SLUG_RE",
           "parse_gift", "export_gift", "NotRepresentable", "parse_moodle_xml", "export_moodle_xml",
           "build_quiz", "canonical", "dump_quiz", "load_quiz",
           "INTERACTION_TYPES", "is_iri", "validate_statement",
           "AnswerRecord", "LessonEvent", "QuizAttempt", "XapiConfig", "build_statements",
           "format_response", "interaction", "iso_timestamp", "pseudonym",
           "Ledger", "LrsClient", "LrsConfig", "LrsError", "MemoryLedger", "SendReport"]
