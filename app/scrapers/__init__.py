"""Jail docket scrapers.

A jail is a declaration (``jails.py``); a scraper is a small class per vendor platform or
per jail that only fetches and parses, yielding ``BookingRecord``s (``records.py``).
Fetching, archiving, validation and saving belong to the framework and to
``app.services.ingest``.
"""
