"""Whether an application cites a record. The dossier asks; the app that files applications answers, by
registering its check here when it starts (applications.apps), so that the dossier never imports what sits above
it. A record cited by any registered check can no longer be withdrawn."""

from collections.abc import Callable

CITATION_CHECKS: list[Callable] = []


def citation_check_register(check: Callable) -> None:
    """`check(record) -> bool`: whether a filed application cites the record."""
    if check not in CITATION_CHECKS:
        CITATION_CHECKS.append(check)


def record_is_cited(record) -> bool:
    return any(check(record) for check in CITATION_CHECKS)
