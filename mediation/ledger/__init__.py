"""The ledger (台账): the centres' spreadsheet of cases, read, checked and imported all or
nothing, and streamed out in the same columns so that export → import round-trips."""
