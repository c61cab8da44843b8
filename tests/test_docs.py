"""The README and the authoring guide stay true: commands, settings, CLI."""

from __future__ import annotations

import re
from pathlib import Path

from lotse.cli import build_parser
from lotse.config import SETTINGS, load_settings, settings_table

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands():
    block = re.search(r"```bash\n(.*?)```", README, re.DOTALL).group(1).strip().splitlines()
    assert [line.split("#")[0].strip() for line in block] == ["bash scripts/start.sh", "bash scripts/test.sh"]
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text() or "scripts/test.sh" in (ROOT / ".ci" / "run").read_text()


def test_readme_lists_every_setting():
    assert settings_table() in README
    for setting in SETTINGS:
        assert f"`{setting.env}`" in README


def test_settings_defaults_are_safe(tmp_path):
    settings = load_settings({})
    assert settings.db_path.name == "lotse.db" and settings.db_path.parent == settings.data_dir
    assert settings.demo is False
    custom = load_settings({"LOTSE_DATA_DIR": str(tmp_path), "LOTSE_SESSION_IDLE_MINUTES": "abc"})
    assert custom.db_path == tmp_path / "lotse.db"
    assert custom.session_idle_minutes == 120


def test_every_cli_command_is_documented():
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # argparse keeps them here
    docs = README + "".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md"))
    for name in commands:
        assert f"lotse {name}" in docs, f"`python -m lotse {name}` is not documented"


def test_authoring_guide_example_is_valid(tmp_path):
    """The lesson and quiz examples in docs/authoring.md pass the validator's schema."""
    from lotse.content.catalog import parse_lesson, parse_quiz

    guide = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    lesson_text = re.search(r"```markdown\n(---\n.*?)```", guide, re.DOTALL).group(1)
    quiz_text = re.search(r"```yaml\n(lesson: .*?)```", guide, re.DOTALL).group(1)
    lesson, problems = parse_lesson(lesson_text, tmp_path / "x.md", "x.md")
    assert problems == [] and lesson.meta.objectives
    quiz, problems = parse_quiz(quiz_text, tmp_path / "x.yaml", "x.yaml")
    assert problems == [] and quiz.quiz.questions
