"""PatrimonyService V1: ``client.patrimony.properties(ssin)``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ksz_client import catalogue
from ksz_client._exceptions import NoResult, ValidationError
from ksz_client.services._registry import operation
from ksz_client.services.patrimony import _wire
from ksz_client.services.patrimony.models import NaturePerson, PatrimonyOutcome, PatrimonyResult
from ksz_client.types import CallContext

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["PatrimonyService"]


class PatrimonyService:
    """PatrimonyService V1 (KSZ; source: FOD Financien / SPF Finances, Cadnet).

    Real estate in Belgium of an applicant, a cohabitant or a maintenance
    debtor (ConsultPatrimonyCPAS ``findProperties``): cadastral parcels, the
    person's right and share, the cadastral income, and the partner's SSIN.
    Needs a covering integration. Default legal context
    ``PCSA:SOCIAL_INQUIRY``. Contract: modelled on the WS-Consult conventions
    (no public contract); the Cadnet status codes travel as the status code.
    """

    service = catalogue.get("PatrimonyService")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("findProperties")
    def properties(
        self,
        ssin: str,
        *,
        nature: NaturePerson | str = NaturePerson.APPLICANT,
        language: str | None = None,
        context: CallContext | None = None,
    ) -> PatrimonyResult:
        """Properties of a natural person and the partner's SSIN (``findProperties``).

        Returned (``outcome`` says which): properties with or without partner,
        a partner without properties, neither (status NO_DATA_FOUND), or a
        person unknown to FOD Financien (NO_DATA_FOUND, ``known_to_fodfin``
        False). Raised: VALIDATION_ERROR as `InvalidData`;
        INSZ_UNKNOW_IN_LEGAL_CONTEXT_CBSS and _PPSSI as `NotIntegrated`;
        ERROR_FODFIN, INVALID_RESPONSE_FODFIN and SSIN_PROBLEM as `NoResult`
        (its ``code`` tells which).

        Args:
            ssin: the person's SSIN, in any written form
            nature: why the person is asked about: APPLICANT, COHABITANT or MAINTENANCE_DEBTOR
            language: NL, FR or DE for the descriptions
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        if language is not None and language not in ("NL", "FR", "DE"):
            raise ValidationError("language is NL, FR or DE")
        text = str(nature).strip().upper().replace("-", "_")
        try:
            kind = NaturePerson.from_code(text) if text.isdigit() else NaturePerson(text)
        except ValueError:  # ValidationError is a ValueError too
            raise ValidationError(
                "nature is APPLICANT (1), COHABITANT (2) or MAINTENANCE_DEBTOR (3)"
            ) from None
        criterion = _wire.Criterion(ssin=str(subject), nature=kind, language=language)
        try:
            reply = self._client._call(
                self.service,
                "findProperties",
                lambda payload: _wire.write_criterion(payload, criterion),
                context=context,
                subjects=(subject,),
            )
        except NoResult as exc:
            typed = _wire.refusal(exc)
            if typed is None:
                raise
            raise typed from exc
        result = reply.payload.find("result")
        code = reply.status.code
        outcome: str = PatrimonyOutcome(code) if code in PatrimonyOutcome.__members__ else code
        return PatrimonyResult(
            outcome=outcome,
            partner_ssin=_wire.read_partner(result) if result is not None else None,
            properties=tuple(_wire.read_property(p) for p in result.iterfind("property"))
            if result is not None else (),
            status=reply.status,
            receipt=reply.receipt,
        )
