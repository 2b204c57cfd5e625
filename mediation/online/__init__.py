"""The parties' own services, outside the centre's walls: applying online (applications),
proving a phone by a one-time code (codes)."""
