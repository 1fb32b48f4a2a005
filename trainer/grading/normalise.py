"""Text normalisation for comparing typed answers (fill blanks, short answers)."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# trailing punctuation ignored when comparing: Chinese and Latin sentence marks and quotes
_TRAILING = "。．.，,、；;：:！!？?\"'“”‘’）)」』】》 "
_LEADING = "\"'“‘（(「『【《 "


def normalise_text(text: object) -> str:
    """NFKC (full/half width alike), collapse spaces, trim, drop edge punctuation, case-fold Latin."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text))
    s = _SPACES.sub(" ", s).strip()
    s = s.rstrip(_TRAILING).lstrip(_LEADING).strip()
    return s.casefold()


def compact(text: object) -> str:
    """normalise_text without any spaces: for finding key words inside free text."""
    return normalise_text(text).replace(" ", "")
