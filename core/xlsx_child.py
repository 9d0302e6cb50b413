"""The reading child of core.xlsx_guard.read_table: the .xlsx on standard input, the first worksheet's values
out as a pickle of ("ok", rows), or ("unreadable", None) for a file the reader rejects, or ("memory", None).

Run as `python -I xlsx_child.py <address-space bytes> <cpu seconds>`; it imports nothing of the project. Its
limits are set before the file is read, so an allocation the reader cannot make ends this process (the reader
aborts on allocation failure), and the parent reports the file as too large.
"""

import io
import pickle
import resource
import sys

from python_calamine import CalamineWorkbook


def main(memory: int, seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
    data = sys.stdin.buffer.read()
    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        outcome = ("ok", sheet.to_python(skip_empty_area=False))
    except MemoryError:
        outcome = ("memory", None)
    except Exception:  # calamine raises several types for broken files
        outcome = ("unreadable", None)
    del data
    pickle.dump(outcome, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
