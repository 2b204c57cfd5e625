"""Mediation cases: intake, the lifecycle's state machine and its actions, assignment,
agreements and payments, deadlines, the case list, the home page's overview, workload, scans."""
