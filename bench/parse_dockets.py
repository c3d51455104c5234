"""Parse speed and request counts of every jail's scraper, replaying the shared basic
cassettes (no network, no database).

For each jail it replays t0 (a first run: every detail page read) and t1 as a steady-state
run would (known bookings in custody skip their detail pages), many times over, and prints:

* pages and requests of the first run, and requests of the steady-state run;
* CPU milliseconds per page fetched and per whole run (median over the repeats), which is
  the parsing, standardising and validating (cassette pages come from the OS file cache).

Usage: python bench/parse_dockets.py [--repeat N] [--dockets DIR] [JAIL ...]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.scrapers.fetch import CassetteFetcher  # noqa: E402
from app.scrapers.jails import JAILS, get  # noqa: E402
from app.scrapers.platforms import get_scraper  # noqa: E402

DEFAULT_DOCKETS = Path(__file__).resolve().parents[2] / "shared" / "dockets"


def run(code: str, moment: Path, **scrape_args):
    fetcher = CassetteFetcher(moment)
    started = time.process_time()
    result = get_scraper(get(code)).scrape(fetcher, now=fetcher.captured_at, **scrape_args)
    return result, time.process_time() - started


def measure(code: str, dockets: Path, repeat: int) -> dict:
    first, _ = run(code, dockets / code / "basic" / "t0")
    scraper = get_scraper(get(code))
    known = {getattr(record, scraper.list_id_field): record.booking_key
             for record in first.records if record.booking_key in first.roster_keys}
    steady, _ = run(code, dockets / code / "basic" / "t1", known_keys=known,
                    skip_detail=lambda list_id: list_id in known)
    timings = [run(code, dockets / code / "basic" / "t0")[1] for _ in range(repeat)]
    per_run = statistics.median(timings)
    return {
        "jail": code, "bookings": len(first.roster_keys), "pages": first.pages_fetched,
        "requests": first.requests_sent, "steady": steady.requests_sent,
        "ms_page": 1000 * per_run / max(first.pages_fetched, 1), "ms_run": 1000 * per_run,
        "errors": len(first.errors) + len(steady.errors),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("jails", nargs="*", help="jail codes (default: all)")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--dockets", type=Path, default=DEFAULT_DOCKETS)
    args = parser.parse_args(argv)
    codes = args.jails or [jail.code for jail in JAILS]
    if not args.dockets.is_dir():
        print(f"no cassettes at {args.dockets}", file=sys.stderr)
        return 2

    print(f"{'jail':6} {'bookings':>8} {'pages':>6} {'requests':>9} {'steady':>7} "
          f"{'ms/page':>8} {'ms/run':>8}")
    rows = [measure(code, args.dockets, args.repeat) for code in codes]
    for row in rows:
        print(f"{row['jail']:6} {row['bookings']:>8} {row['pages']:>6} {row['requests']:>9} "
              f"{row['steady']:>7} {row['ms_page']:>8.2f} {row['ms_run']:>8.1f}")
    pages = sum(row["pages"] for row in rows)
    total = sum(row["ms_run"] for row in rows)
    print(f"all    {sum(row['bookings'] for row in rows):>8} {pages:>6} "
          f"{sum(row['requests'] for row in rows):>9} {sum(row['steady'] for row in rows):>7} "
          f"{total / pages:>8.2f} {total:>8.1f}")
    print("requests = first run (every detail page); steady = t1 with known bookings' pages skipped;"
          " ms = CPU, median of", args.repeat, "runs")
    if any(row["errors"] for row in rows):
        print("some replays reported errors", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
