"""JobSeeker V1 (FOREM / ACTIRIS / VDAB / ADG): registration as a job seeker and contact."""

from ksz_client.services.job_seeker.models import (
    Category,
    Contact,
    Description,
    Inscription,
    JobSeekerResult,
    Phone,
    PublicEmploymentService,
    ServiceResult,
    SourceStatus,
    SourceStatusValue,
)
from ksz_client.services.job_seeker.service import JobSeekerService

__all__ = [
    "Category",
    "Contact",
    "Description",
    "Inscription",
    "JobSeekerResult",
    "JobSeekerService",
    "Phone",
    "PublicEmploymentService",
    "ServiceResult",
    "SourceStatus",
    "SourceStatusValue",
]
