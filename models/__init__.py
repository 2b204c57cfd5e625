"""All tables, imported so that `SQLModel.metadata` knows every one of them."""

from models.attachment import Attachment, AttachmentKind, FileType
from models.audit import AuditEvent
from models.base import LabelledEnum, utcnow
from models.case import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Agreement,
    AgreementLine,
    ApplicationForm,
    Case,
    CaseCounter,
    CaseStatus,
    Category,
    Channel,
    ClaimKind,
    ClaimLine,
    FailureReason,
    Instalment,
    MediationSession,
    Payment,
    Worker,
)
from models.employer import Employer, EmployerCounsel
from models.ledger import LedgerMapping
from models.legal import (
    COUNTED_SERVICES,
    LegalCase,
    LegalOutcome,
    LegalStage,
    LegalStageKind,
    LegalWorker,
    ServiceType,
)
from models.reference import CalendarDay, Centre, DayKind, District
from models.report import SCOPE_KINDS, CaseReopening, PeriodReport
from models.rollup import CaseRollup
from models.roster import Lawyer, LawyerCentre
from models.user import Role, User

__all__ = [
    "SCOPE_KINDS",
    "PeriodReport",
    "CLOSED_STATUSES",
    "COUNTED_SERVICES",
    "OPEN_STATUSES",
    "Agreement",
    "AgreementLine",
    "Attachment",
    "AttachmentKind",
    "ApplicationForm",
    "AuditEvent",
    "CalendarDay",
    "Case",
    "CaseCounter",
    "CaseReopening",
    "CaseRollup",
    "CaseStatus",
    "Category",
    "Centre",
    "Channel",
    "ClaimKind",
    "ClaimLine",
    "DayKind",
    "District",
    "Employer",
    "EmployerCounsel",
    "FailureReason",
    "FileType",
    "Instalment",
    "LabelledEnum",
    "Lawyer",
    "LawyerCentre",
    "LedgerMapping",
    "LegalCase",
    "LegalOutcome",
    "LegalStage",
    "LegalStageKind",
    "LegalWorker",
    "MediationSession",
    "Payment",
    "Role",
    "ServiceType",
    "User",
    "Worker",
    "utcnow",
]
