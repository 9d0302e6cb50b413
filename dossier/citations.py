"""Whether an application cites a record. One function, so the application issue can implement it in one place.

Until applications exist (issue 6) no record can be cited; the withdrawal rules already ask this question.
"""


def record_is_cited(record) -> bool:
    from django.apps import apps

    if not apps.is_installed("applications"):
        return False
    from applications.selectors import record_is_cited as cited  # provided by the applications app

    return cited(record)
