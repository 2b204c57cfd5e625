"""Reference data: districts and centres, user accounts, the lawyer roster, employers and their
counsel, and the working-day calendar."""
