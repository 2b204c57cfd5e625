"""Demo data for `flask demo-data`: not domain code, it only plays the domain's operations."""
