"""WTForms classes: syntax and presentation only; business rules live in mediation/."""
