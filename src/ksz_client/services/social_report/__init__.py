"""ElectronicSocialReport V1: the electronic social report between OCMWs (modelled)."""

from ksz_client.services.social_report.models import (
    FileInfo,
    Gpmi,
    ReportResult,
    SocialReport,
    check_cbe_number,
)
from ksz_client.services.social_report.service import SocialReportService

__all__ = ["FileInfo", "Gpmi", "ReportResult", "SocialReport", "SocialReportService",
           "check_cbe_number"]
