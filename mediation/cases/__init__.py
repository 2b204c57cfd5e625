"""Mediation cases: intake, the lifecycle's state machine and its actions, assignment,
agreements and payments, deadlines, the case list, the home page's overview, workload, scans."""

# Every write to a case meets the archive guard (a flush listener): importing the package
# registers it, whichever path (form, import, command) writes.
from mediation import retention  # noqa: E402, F401
