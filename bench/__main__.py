"""`python -m bench` (what `make bench` runs). `python -m bench --help` lists the options."""

import argparse
import os
import sys


def _scale(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value  # fractions make small data sets for trying things out


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", type=_scale, default=1, help="1: 1,000,000 records (default); 10: 10,000,000")
    parser.add_argument("--db", default="sqlite", help="sqlite (default), postgres, or a database URL whose name "
                                                       "contains 'bench'")
    parser.add_argument("--regenerate", action="store_true", help="generate the data even if it is there")
    parser.add_argument("--workers", type=int, default=0, help="server processes (default: CPUs + 1)")
    parser.add_argument("--concurrency", type=int, default=0, help="open connections (default: 2 × workers)")
    parser.add_argument("--rounds", type=int, default=6, help="alternating page/floor rounds (default 6)")
    parser.add_argument("--seconds", type=float, default=4, help="length of each phase (default 4 s)")
    parser.add_argument("--warmup", type=float, default=8,
                        help="seconds each target is requested before the rounds, not counted (default 8): a "
                             "server process compiles its templates and caches sessions and menus on first use")
    parser.add_argument("--people", type=int, default=2000, help="signed-in people to draw from (default 2000)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="instead of serving: profile N page requests in this process and print the top")
    parser.add_argument("--page", choices=["applicant", "review", "deep"], default="applicant",
                        help="the page --profile profiles: applicant (default), review, or deep (page 1,000 of "
                             "the longest review queue)")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse(argv)
    os.environ["BENCH_DB"] = args.db
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from bench import run

    return run.main(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
