"""The domain: plain functions on a Session. No Flask request, no flash, no commit in here."""
