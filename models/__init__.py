"""Storage tables (SQLModel). Every record belongs to a unit, so one database can serve a
ward, a district or a whole city. Import this package to register every table."""

from models.appraisal import AppraisalCycle, AppraisalNote, AppraisalReply, ProvinceRole
from models.assessment import Assessment, AssessmentItem
from models.audit import AuditEntry, Installation
from models.base import utcnow
from models.deadline import DeadlineReminderLog, ProvinceDeadline
from models.dossier import (
    ApologySlipRecord,
    Dossier,
    DossierMonth,
    DossierProcedure,
    Measurement,
    ProcedureRecord,
)
from models.evidence import Blob, Evidence
from models.framework import FrameworkNode, FrameworkRecord
from models.identity import (
    Account,
    ApiToken,
    CalendarFeed,
    PasswordInvitation,
    SignInChallenge,
    SignInFailure,
    WebSession,
)
from models.people import Assignment, Officer, Position
from models.plan import (
    AreaRecord,
    EvidenceRequirementRecord,
    PlanOrigin,
    PlanRecord,
    TargetRecord,
    TaskCriterion,
    TaskRecord,
    TaskSupport,
    TaskTarget,
)
from models.unit import UnitRecord, UnitSuccession
from models.work import (
    CalendarOverride,
    Occurrence,
    OccurrenceRoute,
    OutboxMessage,
    ReminderLog,
)

__all__ = [
    "Account",
    "ApiToken",
    "ApologySlipRecord",
    "AppraisalCycle",
    "AppraisalNote",
    "AppraisalReply",
    "AreaRecord",
    "Assessment",
    "AssessmentItem",
    "Assignment",
    "AuditEntry",
    "Blob",
    "CalendarFeed",
    "CalendarOverride",
    "DeadlineReminderLog",
    "Dossier",
    "DossierMonth",
    "DossierProcedure",
    "Evidence",
    "EvidenceRequirementRecord",
    "FrameworkNode",
    "FrameworkRecord",
    "Installation",
    "Measurement",
    "Occurrence",
    "OccurrenceRoute",
    "Officer",
    "OutboxMessage",
    "PasswordInvitation",
    "PlanOrigin",
    "PlanRecord",
    "Position",
    "ProcedureRecord",
    "ProvinceDeadline",
    "ProvinceRole",
    "ReminderLog",
    "SignInChallenge",
    "SignInFailure",
    "TargetRecord",
    "TaskCriterion",
    "TaskRecord",
    "TaskSupport",
    "TaskTarget",
    "UnitRecord",
    "UnitSuccession",
    "WebSession",
    "utcnow",
]
