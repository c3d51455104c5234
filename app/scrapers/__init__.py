"""Jail docket scrapers.

A jail is a declaration (``jails.py``, or a file in ``jail_configs/`` for one more county on a
known platform). A scraper is a small class per vendor platform (``platforms/``) that only
reads pages: it lists the roster and parses each person's page into a ``BookingRecord``
(``records.py``), with values standardised by ``standardize.py``. The framework around it
(``platforms/base.py``) fetches through a ``fetch.Fetcher`` - the live web or a recorded
cassette - and turns failed pages and malformed records into error lines instead of
exceptions. Archiving pages and saving records belong to ``app.services``.
"""
