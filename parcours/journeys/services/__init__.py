"""What people do with learning paths. Every write that matters goes through here.

Enrolling (`enrolment`, `imports`), adapting one learner's path (`adaptations`),
applying a programme's changes to running paths (`template_updates`) and recording the
evidence that completes steps (`evidence`). Import from this package:
`from parcours.journeys.services import enrol_learner`.
"""

from parcours.journeys.services._common import (
    NotYourPath,
    OwnWork,
    StepAlreadyDone,
    StepSkipped,
    WrongKind,
)
from parcours.journeys.services.adaptations import (
    AlreadyLast,
    AlreadyNext,
    DoneStepKept,
    NothingChanged,
    OrderInvalid,
    PathCompleted,
    PositionInvalid,
    PrerequisitesFirst,
    ReasonRequired,
    SkippedStepKept,
    StepContentInvalid,
    change_due_date,
    insert_step,
    pull_step_forward,
    push_step_back,
    reorder_path,
    skip_step,
)
from parcours.journeys.services.enrolment import (
    AlreadyEnrolled,
    NoLearners,
    NotALearnerHere,
    PaceInvalid,
    ProgrammeEmpty,
    ProgrammeNotOpen,
    SelfEnrolmentClosed,
    StartDateInvalid,
    enrol_learner,
    enrol_learners,
    self_enrol,
)
from parcours.journeys.services.evidence import (
    AlreadyDeclared,
    AlreadyReviewed,
    FeedbackRequired,
    HeartbeatInvalid,
    NoCheckQuestion,
    NotDeclared,
    SubmissionEmpty,
    SubmissionFileRefused,
    SubmissionWaiting,
    answer_check_question,
    confirm_external,
    declare_external_done,
    record_heartbeat,
    review_submission,
    submit_assignment,
    validate_checkpoint,
)
from parcours.journeys.services.imports import (
    EnrolmentFileHasErrors,
    EnrolmentFileInvalid,
    ImportReport,
    ImportRow,
    NothingToImport,
    check_enrolment_file,
    import_enrolments,
)
from parcours.journeys.services.template_updates import (
    UnpublishedChanges,
    UpdateSummary,
    apply_programme_update,
)

__all__ = [
    "AlreadyDeclared", "AlreadyEnrolled", "AlreadyLast", "AlreadyNext", "AlreadyReviewed",
    "DoneStepKept", "EnrolmentFileHasErrors", "EnrolmentFileInvalid", "FeedbackRequired",
    "HeartbeatInvalid", "ImportReport", "ImportRow", "NoCheckQuestion", "NoLearners",
    "NotALearnerHere", "NotDeclared", "NotYourPath", "NothingChanged", "NothingToImport",
    "OrderInvalid", "OwnWork", "PaceInvalid", "PathCompleted", "PositionInvalid",
    "PrerequisitesFirst", "ProgrammeEmpty", "ProgrammeNotOpen", "ReasonRequired",
    "SelfEnrolmentClosed", "SkippedStepKept", "StartDateInvalid", "StepAlreadyDone",
    "StepContentInvalid", "StepSkipped", "SubmissionEmpty", "SubmissionFileRefused",
    "SubmissionWaiting", "UnpublishedChanges", "UpdateSummary", "WrongKind",
    "answer_check_question", "apply_programme_update", "change_due_date",
    "check_enrolment_file", "confirm_external", "declare_external_done", "enrol_learner",
    "enrol_learners", "import_enrolments", "insert_step", "pull_step_forward",
    "push_step_back", "record_heartbeat", "reorder_path", "review_submission",
    "self_enrol", "skip_step", "submit_assignment", "validate_checkpoint",
]
