"""The figures' words (titles, captions, axes, legends) in the report's language.

The words are data in the report's one catalogue (:mod:`carbonpath.report.i18n`):
``figures.<lang>.toml`` there, nested tables read as dotted keys under ``fig.``
(``fig.axis.year``). A key missing in a language falls back to English; a key missing
in English is a ``KeyError`` (a bug, found by the tests).
"""

from __future__ import annotations

from carbonpath.report.i18n import LANGUAGES, catalogue, has_text, language_of, text

__all__ = ["LANGUAGES", "catalogue", "has_text", "language_of", "text"]
