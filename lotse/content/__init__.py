"""Course content: loading, validation and rendering. No Streamlit in here."""

from .catalog import Catalog, Lesson, load_catalog
from .problems import Problem

__all__ = ["Catalog", "Lesson", "Problem", "load_catalog"]
