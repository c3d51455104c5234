"""CSV importers for the officer database, behind the command line and the admin's upload.

* ``bulk.import_roster``: a roster, one row per officer (``flask bulk-add-officers``);
* ``advanced.import_department``: a department's five files (``flask advanced-csv-import``);
* ``export.export_department``: those five files written back out (``flask export department``).

Both imports return an ``report.ImportReport`` and raise ``errors.ImportFailed`` (file,
line, column, value) with nothing written when the input is bad.
"""
