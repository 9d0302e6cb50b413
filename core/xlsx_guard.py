"""What an uploaded .xlsx may cost before it is read, and the read itself in a child process with bounded memory.

A worksheet says where its cells are, not how many it holds, and the reader (calamine) builds one dense grid
from the first cell to the last: a 5 KB file with one cell at XFD1048576 asks for 512 GiB and the allocation
failure aborts the process (Rust aborts; no Python exception is raised). A shared string of a megabyte that
every cell of the template's own area refers to is copied once per cell, so staying inside the template's
columns and rows does not bound the memory either. Two defences, each complete for what it covers:

- `sheet_extent` finds the last row and column holding a value in every worksheet of the file, streaming the
  decompressed XML in chunks, before anything is loaded; the caller refuses a file wider than its template or
  longer than its row limit with a message that names the row or column. Worksheets written by Excel, WPS,
  LibreOffice and openpyxl give every cell its `r="B7"`; those are checked with one regular-expression pass.
  Anything else (cells without `r`, prefixed names, odd spacing) is walked with an XML parser that places
  each cell as the reader does. The sheet's `<dimension ref>` is not trusted: it is optional and may lie.
- `reading` runs the reader in a child process whose address space and CPU time are limited, so whatever
  the scan does not foresee (shared-string amplification, a reader change) ends that child, never the worker.
"""

import contextlib
import io
import logging
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

logger = logging.getLogger(__name__)

CHUNK = 4 * 1024 * 1024
READ_MEMORY = 1024 * 1024 * 1024  # address space of the reading child: ~10x what a 20,000-row template needs
READ_SECONDS = 60  # CPU seconds of the reading child; the wall-clock limit is twice that
CHILD = Path(__file__).with_name("xlsx_child.py")


class SheetRefused(Exception):
    """The file cannot be read safely or faithfully; `reason` says which ("structure", "memory", "unreadable")."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Extent:
    """The last row and column (1-based) that hold a value in any worksheet, 0 when there is none."""

    rows: int = 0
    columns: int = 0


def column_number(letters: str) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _greater(limit: str, alphabet: str, *, leading: str = "") -> bytes:
    """A pattern for the strings over `alphabet` that, read as numbers in that alphabet (without `leading`
    padding characters), are greater than `limit`: longer ones, or as long and larger at the first difference."""
    first = alphabet[1:] if leading else alphabet
    longer = f"[{first[0]}-{first[-1]}][{alphabet[0]}-{alphabet[-1]}]{{{len(limit)},}}"
    equal = []
    for i, char in enumerate(limit):
        above = alphabet[alphabet.index(char) + 1:]
        if above:
            rest = len(limit) - i - 1
            equal.append(re.escape(limit[:i]) + f"[{above[0]}-{above[-1]}]"
                         + (f"[{alphabet[0]}-{alphabet[-1]}]{{{rest}}}" if rest else ""))
    options = "|".join([longer, *equal])
    return ((re.escape(leading) + "*" if leading else "") + f"(?:{options})").encode()


# A cell tag with no content: `<c r="B7" s="3"/>` (a formatted empty cell, which the reader skips).
_EMPTY_TAIL = rb'(?:\s+[A-Za-z:]+="[^"<>/]*")*\s*/>'


def _fast_pattern(width: int, rows: int) -> re.Pattern:
    """One pass: the first cell tag that is either not in the canonical `<c r="B7"` form, or canonical, past
    `width` columns or `rows` rows, and not an empty one."""
    beyond_column = _greater(column_letters(width), "ABCDEFGHIJKLMNOPQRSTUVWXYZ") if width else rb"[A-Z]+"
    beyond_row = _greater(str(rows), "0123456789", leading="0")
    return re.compile(
        rb'<(?:c r="(?:' + beyond_column + rb"[0-9]+|[A-Z]+" + beyond_row + rb')"(?!' + _EMPTY_TAIL + rb")"
        rb'|c r="(?![A-Z]+[0-9]+")'  # an unusual reference: lower case, $, entities…
        rb"|c(?:[\t\n\r/>]| (?!r=\"))"  # no r, or not first
        rb"|[^\s<>/!?\"']*:c[\s/>])"  # a prefixed name
    )


def sheet_extent(upload, *, width: int, rows: int) -> Extent | None:
    """None when no worksheet of `upload` (an .xlsx whose container was checked) has a value beyond `width`
    columns and `rows` rows; otherwise the exact extent (found by the slower walk), for the caller's message.
    Raises SheetRefused("structure") for a worksheet that cannot be walked."""
    fast = _fast_pattern(width, rows)
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            unusual = [info for info in archive.infolist() if not info.is_dir() and _hits(archive, info, fast)]
            if not unusual:
                return None
            found = Extent()
            for info in unusual:
                extent = _walk(archive, info)
                found = Extent(max(found.rows, extent.rows), max(found.columns, extent.columns))
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError):
        raise SheetRefused("structure") from None
    finally:
        upload.seek(0)
    return found if found.rows > rows or found.columns > width else None


def _hits(archive, info, pattern) -> bool:
    """Whether the member has a tag that the regular expression cannot vouch for (read in chunks cut before a
    tag's `<`, so that no tag is split)."""
    carry = b""
    with archive.open(info) as stream:
        while True:
            chunk = stream.read(CHUNK)
            data = carry + chunk
            if not chunk:
                return pattern.search(data) is not None
            cut = data.rfind(b"<")
            if cut <= 0:
                cut = len(data) if cut < 0 else 0
            if cut and pattern.search(data, 0, cut):
                return True
            carry = data[cut:]


_REF = re.compile(r"([A-Za-z]+)([0-9]+)")
_ROW = re.compile(r"[A-Za-z]*([0-9]+)")


class _Walk:
    """Places every cell as the reader does: inside <sheetData>, a <row r> sets the row, the end of a row moves
    to the next one at column A, a <c r> sets row and column, a <c> without r takes the next column. A cell
    counts when it has any child (a value, an inline string, a formula), which is every cell the reader keeps
    and a few more."""

    def __init__(self):
        self.in_data = False
        self.row = self.column = 0  # 0-based, as the reader keeps them
        self.cell = None  # position of the open cell
        self.depth = 0  # elements open inside it
        self.valued = False
        self.rows = self.columns = 0
        self.worksheet = False

    def start(self, name, attributes):
        local = name.split(":", 1)[-1]
        if not self.in_data:
            if local == "sheetData":
                self.in_data = self.worksheet = True
            return
        if self.cell is not None:
            if local in ("c", "row", "sheetData"):  # the reader closes a cell at the first </c> it meets
                raise SheetRefused("structure")
            self.depth += 1
            self.valued = True
            return
        if local == "row":
            if "r" in attributes:
                match = _ROW.fullmatch(attributes["r"])
                if match is None or int(match[1]) < 1:
                    raise SheetRefused("structure")
                self.row = int(match[1]) - 1
        elif local == "c":
            if "r" in attributes:
                match = _REF.fullmatch(attributes["r"])
                if match is None or int(match[2]) < 1:
                    raise SheetRefused("structure")
                self.cell = (int(match[2]) - 1, column_number(match[1]) - 1)
            else:
                self.cell = (self.row, self.column)
            self.column = self.cell[1]
            self.depth, self.valued = 0, False

    def end(self, name):
        if not self.in_data:
            return
        if self.cell is not None:
            if self.depth:
                self.depth -= 1
                return
            if self.valued:
                self.rows = max(self.rows, self.cell[0] + 1)
                self.columns = max(self.columns, self.cell[1] + 1)
            self.cell = None
            self.column += 1
            return
        local = name.split(":", 1)[-1]
        if local == "row":
            self.row += 1
            self.column = 0
        elif local == "sheetData":
            self.in_data = False


def _refuse_declaration(*_args):
    raise SheetRefused("structure")  # no worksheet has a DOCTYPE; its entities could hide cells


def _walk(archive, info) -> Extent:
    walk = _Walk()
    parser = expat.ParserCreate()
    parser.StartElementHandler = walk.start
    parser.EndElementHandler = walk.end
    parser.StartDoctypeDeclHandler = _refuse_declaration
    parser.EntityDeclHandler = _refuse_declaration
    try:
        with archive.open(info) as stream:
            parser.ParseFile(stream)
    except expat.ExpatError:
        if walk.worksheet:
            raise SheetRefused("structure") from None
        return Extent()  # not XML (a picture…), and so no worksheet: the reader will not take it for one
    return Extent(walk.rows, walk.columns)


# ---------------------------------------------------------------- the read, in a child process


class _Values(pickle.Unpickler):
    """The child sends lists of plain values; nothing else is rebuilt from what it sends."""

    def find_class(self, module, name):
        if module == "datetime" and name in ("date", "datetime", "time", "timedelta"):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name}")


@contextlib.contextmanager
def reading(upload):
    """Start reading the first worksheet of `upload` in a child process limited to READ_MEMORY bytes of address
    space and READ_SECONDS of CPU, and yield a `Reading` whose `table()` waits for it; the caller may check the
    file meanwhile (the child is ended if the caller leaves early)."""
    with tempfile.TemporaryFile() as data:
        upload.seek(0)
        shutil.copyfileobj(upload, data)
        upload.seek(0)
        data.seek(0)
        # Our own child script under this interpreter, no shell; the file arrives on stdin, never as an argument.
        process = subprocess.Popen([sys.executable, "-I", str(CHILD), str(READ_MEMORY), str(READ_SECONDS)],  # noqa: S603
                                   stdin=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        yield Reading(process)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()


class Reading:
    def __init__(self, process):
        self.process = process

    def table(self) -> list[list]:
        """The worksheet as python-calamine gives it (rows of values, from A1). Raises SheetRefused("unreadable")
        for a file the reader rejects and SheetRefused("memory") when the child is stopped by its limits."""
        try:
            out, err = self.process.communicate(timeout=READ_SECONDS * 2)
        except subprocess.TimeoutExpired:
            logger.warning("xlsx read: the reading child ran out of time")
            raise SheetRefused("memory") from None
        if self.process.returncode != 0:
            logger.warning("xlsx read: the reading child ended with %s: %s", self.process.returncode,
                           err[-300:].decode(errors="replace"))
            memory = self.process.returncode < 0 or b"MemoryError" in err or b"memory allocation" in err
            raise SheetRefused("memory" if memory else "unreadable")
        outcome, table = _Values(io.BytesIO(out)).load()
        if outcome != "ok":
            raise SheetRefused(outcome)
        return table
