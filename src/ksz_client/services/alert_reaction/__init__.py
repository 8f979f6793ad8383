"""PCSAAlertReaction V1: the OCMW's motivation of the POD MI's alerts (modelled)."""

from ksz_client.services.alert_reaction.models import (
    Motivation,
    MotivationResponse,
    MotivationResult,
)
from ksz_client.services.alert_reaction.service import AlertReactionService

__all__ = ["AlertReactionService", "Motivation", "MotivationResponse", "MotivationResult"]
