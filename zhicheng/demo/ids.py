"""Valid-looking identifiers for demo data and tests (computed check characters, never real people)."""

import datetime

from stdnum.cn import ric, uscc


def make_id_number(area: str, birth: datetime.date, seq: int, gender: str = "F") -> str:
    """An ID number with a correct check digit; the 17th digit is odd for men, even for women."""
    seq = seq % 100
    order = seq * 10 + (1 if gender == "M" else 2)
    body = f"{area}{birth:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_credit_code(region: str, serial: str) -> str:
    """A unified social credit code with a correct check character (registration authority 1, type 2)."""
    body = f"12{region}{serial:0>9}"[:17]
    return body + uscc.calc_check_digit(body)
