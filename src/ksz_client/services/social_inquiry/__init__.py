"""PCSASocialInquiry V1 (Nova+): social-inquiry help and residence simulation (modelled)."""

from ksz_client.services.social_inquiry.models import (
    InquiryResult,
    InquirySource,
    ResidenceResult,
    ResidenceStatus,
    SocialInquiry,
    SocialRight,
)
from ksz_client.services.social_inquiry.service import SocialInquiryService

__all__ = ["InquiryResult", "InquirySource", "ResidenceResult", "ResidenceStatus",
           "SocialInquiry", "SocialInquiryService", "SocialRight"]
