"""The official periodic report, early warnings and supervision letters."""
