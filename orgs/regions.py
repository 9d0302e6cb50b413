"""Administrative divisions from the GB/T 2260 table that python-stdnum maintains (stdnum/cn/loc.dat).

The file lists every code ever used, each name with the years it was valid (`[1983-2002]莆田县`); we keep the
codes whose latest name is still valid. Municipalities (北京, 天津, 上海, 重庆) have a placeholder city level
(`市辖区`), named here after the municipality so that the cascader reads 天津市 › 天津市 › 和平区.
"""

import re
from importlib.resources import files

_NAME = re.compile(r'county="([^"]*)"|province="([^"]*)"')
_SPAN = re.compile(r"^\[(\d{4})?-(\d{4})?\](.*)$")


def _current_name(raw: str) -> str | None:
    """The name in force today, or None when the code was retired."""
    latest = raw.split(",")[-1]
    match = _SPAN.match(latest)
    if not match:
        return latest
    _start, end, name = match.groups()
    return None if end else name


def iter_divisions(provinces: set[str] | None = None):
    """Yield (code, name, level, parent_code) for current divisions, parents before children."""
    text = (files("stdnum.cn") / "loc.dat").read_text(encoding="utf-8")
    province = None
    province_name = ""
    seen_cities: set[str] = set()
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            code2, rest = line.split(" ", 1)
            province_name = _NAME.search(rest).group(2)
            province = code2 if (provinces is None or code2 in provinces) else None
            if province:
                yield province + "0000", province_name, 1, None
            continue
        if province is None:
            continue
        tail, rest = line.strip().split(" ", 1)
        name = _current_name(_NAME.search(rest).group(1))
        if name is None:
            continue
        code = province + tail
        if tail == "0000":
            continue
        if tail.endswith("00"):
            if name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
                name = province_name if name == "市辖区" else name
            seen_cities.add(code)
            yield code, name, 2, province + "0000"
        elif tail.endswith("01") and name == "市辖区":
            continue  # the placeholder district of a city
        else:
            city = code[:4] + "00"
            if city not in seen_cities:
                continue  # a district whose city no longer exists
            yield code, name, 3, city
