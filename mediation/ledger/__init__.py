"""The ledger (台账): the centres' spreadsheet of cases, read, checked and imported all or
nothing, and streamed out in the same columns so that export → import round-trips.

- columns: the format (sheets, columns, outcomes, cell limits, escaping) and its records
- guard: refusing what is not a ledger before parsing it, and the bounds a file is read within
- reading: opening .xlsx and .csv files; the cell parsers
- mapping: a centre's own spreadsheet read as the ledger (header, columns, totals, defaults);
  names: the column names centres use; values: dates, amounts and words as clerks type them
- rows: one row into a normalised record, with its problems
- checking: a whole file against itself and the stored cases (check_ledger)
- importing: writing a file without problems (import_ledger)
- uploads: uploaded files kept with their preview until imported; a file imported twice refused
- stored: stored cases read back as ledger records, for the check and the export
- exporting: ledger rows out as CSV or .xlsx
- template: the template workbook centres download
"""
