"""Character bigrams: the index's tokens. Chinese has no spaces between words, so a name or a title is cut into
every pair of neighbouring characters (张三丰 → 张三 三丰); a query of two characters or more is found through the
rows holding all of its pairs, then checked as a whole against the text. One character is no query."""

import re
import unicodedata

_SEPARATORS = re.compile(r"[\W_]+")  # Python's \w holds the CJK characters, letters and digits


def normalise(value: str) -> str:
    """Full-width forms folded (ＡＢＣ → abc), lower case, separators as single spaces."""
    return " ".join(_SEPARATORS.split(unicodedata.normalize("NFKC", value or "").lower())).strip()


def terms(value: str) -> list[str]:
    return [term for term in normalise(value).split(" ") if term]


def bigrams(value: str) -> list[str]:
    """The distinct pairs of neighbouring characters within each term, in order of appearance."""
    seen: dict[str, None] = {}
    for term in terms(value):
        for i in range(len(term) - 1):
            seen.setdefault(term[i:i + 2], None)
    return list(seen)


ID_NUMBER = re.compile(r"\d{17}[\dX]|\d{15}")


def id_number_query(value: str) -> str:
    """The query as a full ID number (spaces dropped, x as X), or "" when it is not one."""
    candidate = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or "")).upper()
    return candidate if ID_NUMBER.fullmatch(candidate) else ""
