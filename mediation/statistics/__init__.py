"""Statistics: figures over a period and scope (SQL aggregates over the monthly rollup), their
breakdowns, the union's combined report, legal-service figures, charts and the Excel export."""
