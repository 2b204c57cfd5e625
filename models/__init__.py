"""All tables, imported so that `SQLModel.metadata` knows every one of them."""

from models.access import AccessKind, AccessRecord, SecurityEvent, SecurityKind
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
from models.crypto import DataKeyCheck
from models.employer import Employer, EmployerCounsel
from models.job import DueItem, DueKind, Job, JobState, StoredFile
from models.ledger import LedgerMapping, LedgerUpload, LedgerUploadStatus
from models.legal import (
    COUNTED_SERVICES,
    LegalCase,
    LegalOutcome,
    LegalStage,
    LegalStageKind,
    LegalWorker,
    ServiceType,
)
from models.online import (
    ApplicationStatus,
    CodePurpose,
    DocumentService,
    EmployerReply,
    Message,
    MessageStatus,
    OneTimeCode,
    OnlineApplication,
    Rating,
)
from models.reference import CalendarDay, Centre, DayKind, District
from models.registry import MediatorProfile, MediatorQualification, MediatorTraining
from models.report import SCOPE_KINDS, CaseReopening, PeriodReport
from models.rollup import CaseRollup
from models.roster import Lawyer, LawyerCentre
from models.saved_form import SavedForm
from models.supervision import (
    LetterCounter,
    LetterKind,
    ServiceMethod,
    SupervisionLetter,
    SupervisionLetterCase,
)
from models.user import Role, User

__all__ = [
    "AccessKind",
    "AccessRecord",
    "SecurityEvent",
    "SecurityKind",
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
    "ApplicationStatus",
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
    "CodePurpose",
    "DataKeyCheck",
    "DayKind",
    "District",
    "DocumentService",
    "Employer",
    "EmployerCounsel",
    "EmployerReply",
    "FailureReason",
    "FileType",
    "Instalment",
    "DueItem",
    "DueKind",
    "Job",
    "JobState",
    "StoredFile",
    "LabelledEnum",
    "Lawyer",
    "LawyerCentre",
    "LedgerMapping",
    "LedgerUpload",
    "LedgerUploadStatus",
    "LegalCase",
    "LegalOutcome",
    "LegalStage",
    "LegalStageKind",
    "LegalWorker",
    "LetterCounter",
    "LetterKind",
    "MediatorProfile",
    "MediatorQualification",
    "MediatorTraining",
    "MediationSession",
    "Message",
    "MessageStatus",
    "OneTimeCode",
    "OnlineApplication",
    "Payment",
    "Rating",
    "Role",
    "ServiceMethod",
    "SavedForm",
    "ServiceType",
    "SupervisionLetter",
    "SupervisionLetterCase",
    "User",
    "Worker",
    "utcnow",
]
