"""A few KB of .xlsx must not cost a worker its life: a cell far outside the template is refused, with its row or
column named, before the sheet is loaded; whatever the check cannot foresee is read in a child process whose
memory is limited. Each crafted file is read by `read_rows` in a process of its own with a 2 GiB address-space
limit, so that a reader allocating hundreds of GiB ends that process and not the test run; the test then asserts
that the process ended normally, what it was told, and how much memory it and its children used."""

import io
import json
import random
import subprocess
import sys

import pytest
from django.conf import settings

from core import xlsx_guard
from core.excel import Column, ExcelError, read_rows

from .crafted_xlsx import header, inline, row, shared, worksheet, xlsx

LABELS = ["住院号", "姓名", "入院日期", "出院日期", "手术类别", "入院诊断", "出院诊断", "抢救或治疗结果"]
COLUMNS = [Column(key=f"k{i}", label=label, excel_text=True) for i, label in enumerate(LABELS)]
LIMIT = 2 * 1024 ** 3  # the isolated reader's address space: far below what the crafted files ask for
MiB = 1024 * 1024

ISOLATED = """
import io, json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
sys.path.insert(0, {base!r})
from core.excel import Column, ExcelError, read_rows

class Upload(io.BytesIO):
    name = "病案.xlsx"
    size = property(lambda self: len(self.getvalue()))

columns = [Column(key=f"k{{i}}", label=label, excel_text=True) for i, label in enumerate(json.loads(sys.argv[1]))]
try:
    rows, message = len(read_rows(Upload(sys.stdin.buffer.read()), columns)), None
except ExcelError as error:
    rows, message = None, str(error)
# The peak resident size of this process since it started (ru_maxrss would include the test run it forked from).
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({{"rows": rows, "message": message, "self_kb": peak,
                  "children_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}}))
"""


def read_isolated(content: bytes) -> dict:
    done = subprocess.run([sys.executable, "-c", ISOLATED.format(limit=LIMIT, base=str(settings.BASE_DIR)),
                           json.dumps(LABELS)], input=content, capture_output=True, timeout=300, check=False)
    assert done.returncode == 0, f"the reading process died ({done.returncode}): {done.stderr[-600:]!r}"
    return json.loads(done.stdout)


def far_inline(ref: str, number: int) -> bytes:
    return xlsx(worksheet(header(LABELS) + row(number, inline(ref, "x"))))


WIDE = "第XFD列有内容，超出了模板的8列（A–H列）。请删除模板以外的列和内容后再上传。"
LONG = "第1000000行有内容，超出了一次最多导入的20000行数据。请删除多余的行、不要留空行，或分批导入。"
CRAFTED = {
    # The file of the report: the template's header and one cell at XFD1048576 (512 GiB for the grid).
    "inline_string_at_XFD1048576": (far_inline("XFD1048576", 1048576), WIDE),
    # Inside the template's columns, a million rows down (458 MB from 5 KB).
    "inline_string_at_H1000000": (far_inline("H1000000", 1000000), LONG),
    "shared_string_at_XFD1048576": (xlsx(worksheet(header(LABELS) + row(1048576, shared("XFD1048576", 0))),
                                         strings=["x"]), WIDE),
    "number_at_XFD1": (xlsx(worksheet(header(LABELS) + '<row r="2"><c r="XFD2"><v>1</v></c></row>')), WIDE),
    # Without references the reader places a cell after the previous one and a row after the previous row.
    "cells_without_references": (xlsx(worksheet(
        header(LABELS) + row(1000000, *(inline(None, "x") for _ in range(8))))), LONG),
    "a_row_reference_only": (xlsx(worksheet(
        header(LABELS) + '<row r="1000000"><c t="inlineStr"><is><t>x</t></is></c></row>')), LONG),
    "prefixed_names": (xlsx(worksheet(
        row(1, *(inline(f"{chr(65 + i)}1", label, prefix="x") for i, label in enumerate(LABELS)), prefix="x")
        + row(1048576, inline("XFD1048576", "x", prefix="x"), prefix="x"), prefix="x")), WIDE),
    "lower_case_reference": (far_inline("xfd1048576", 1048576), WIDE),
    "in_a_second_worksheet": (xlsx(worksheet(header(LABELS) + row(2, inline("A2", "x"))),
                                   worksheet(row(1048576, inline("XFD1048576", "x")))), WIDE),
}


@pytest.mark.parametrize("name", CRAFTED)
def test_a_crafted_file_is_refused_before_it_is_read_and_the_reader_survives(name):
    content, message = CRAFTED[name]
    assert len(content) < 5000

    outcome = read_isolated(content)

    assert outcome["message"] == message
    assert outcome["self_kb"] * 1024 < 256 * MiB  # the check streams the XML: nothing the size of the grid
    assert outcome["children_kb"] * 1024 <= xlsx_guard.READ_MEMORY


def test_a_shared_string_repeated_in_every_cell_is_stopped_by_the_readers_memory_limit():
    """Inside the template's columns and rows, one shared string of a megabyte referred to by 1,600 cells is
    copied into every cell (1.6 GB from 40 KB, a picture keeping the file's compression ratio ordinary): the
    reading child reaches its limit and ends, the worker refuses the file."""
    cells = "".join(row(r, *(shared(f"{chr(65 + c)}{r}", 0) for c in range(8))) for r in range(2, 202))
    content = xlsx(worksheet(header(LABELS) + cells), strings=["a" * MiB], picture=random.Random(1).randbytes(30_000))
    assert len(content) < 40_000

    outcome = read_isolated(content)

    assert outcome["message"] == ("文件内容过多或结构异常，读取时超出了允许的内存或时间，已拒绝。"
                                  "请使用本系统下载的模板，分批导入。")
    assert outcome["self_kb"] * 1024 < 256 * MiB
    assert outcome["children_kb"] * 1024 <= xlsx_guard.READ_MEMORY


class Upload(io.BytesIO):
    name = "病案.xlsx"

    @property
    def size(self) -> int:
        return len(self.getvalue())


def test_the_last_allowed_row_and_column_are_read():
    content = xlsx(worksheet(header(LABELS) + row(20001, inline("A20001", "甲"), inline("H20001", "乙"))))

    rows = read_rows(Upload(content), COLUMNS)

    assert [(r.line, r.values["k0"], r.values["k7"]) for r in rows] == [(20001, "甲", "乙")]


def test_one_row_more_than_the_callers_limit_is_refused():
    content = xlsx(worksheet(header(LABELS) + row(12, inline("A12", "甲"))))

    assert len(read_rows(Upload(content), COLUMNS, max_rows=11)) == 1
    with pytest.raises(ExcelError) as refused:
        read_rows(Upload(content), COLUMNS, max_rows=10)
    assert str(refused.value) == "第12行有内容，超出了一次最多导入的10行数据。请删除多余的行、不要留空行，或分批导入。"


def test_formatted_empty_cells_outside_the_template_do_not_refuse_a_file():
    """Excel writes a formatted empty cell as <c r="Z9" s="1"/>; the reader skips it, so does the check."""
    content = xlsx(worksheet(header(LABELS) + row(2, inline("A2", "甲"), '<c r="Z2" s="1"/>', '<c r="C900000" s="1"/>')))

    rows = read_rows(Upload(content), COLUMNS)

    assert [r.values["k0"] for r in rows] == ["甲"]


def test_cells_without_references_are_placed_as_the_reader_places_them():
    """Some writers leave out r: such a sheet is walked cell by cell, and its values land in their columns."""
    cells = [inline(None, f"值{i}") for i in range(8)]
    content = xlsx(worksheet(row(None, *(inline(None, label) for label in LABELS)) + row(None, *cells)
                             + row(5, *cells)))

    rows = read_rows(Upload(content), COLUMNS)

    assert [(r.line, r.values["k0"], r.values["k7"]) for r in rows] == [(2, "值0", "值7"), (5, "值0", "值7")]


def test_a_worksheet_with_a_doctype_is_refused():
    sheet = ('<!DOCTYPE worksheet [<!ENTITY far "<c r=\'XFD1\'><v>1</v></c>">]>'
             + worksheet(header(LABELS) + '<row r="2"><c><v>1</v></c></row>'))
    with pytest.raises(ExcelError) as refused:
        read_rows(Upload(xlsx(sheet)), COLUMNS)
    assert str(refused.value) == "文件结构异常，无法安全读取，请使用本系统下载的模板重新填写后上传。"
