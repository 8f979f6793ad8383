"""What the sandbox's handlers of the legacy SSDN services share: contract and person checks.

Not a service (it registers no handler): ManageAccess, ReferenceManager,
IdentifyPerson and PerformInvestigation answer a payload that breaks their
contract, or names a person the registers cannot serve, the same way.
"""

from __future__ import annotations

from typing import Final

from ksz_client import _contracts, _xml, catalogue
from ksz_client import ssin as _ssin
from ksz_client.sandbox.handlers import HandlerContext, SsdnAnswer, ssdn_error

__all__ = ["INVALID", "MISSING", "Refused", "check_contract", "person_index"]

MISSING: Final = "31000007"
"""SSDN: mandatory argument missing."""
INVALID: Final = "30000001"
"""SSDN: error (an argument that cannot be read)."""


class Refused(Exception):  # noqa: N818 - control flow inside the handlers only
    """Carries the refusal a handler answers with."""

    def __init__(self, answer: SsdnAnswer) -> None:
        super().__init__()
        self.answer = answer


def check_contract(service: catalogue.Service, payload: _xml.Element,
                   operation: str | None = None) -> None:
    """Refuse (30000001) a payload that does not conform to the service's schema in wsdl/."""
    if _contracts.violation(service.name, payload, optional=True) is not None:
        raise Refused(ssdn_error(INVALID, f"the request does not conform to the {service.name} "
                                          "contract", operation=operation))


def person_index(ctx: HandlerContext, number: str, operation: str | None = None) -> int:
    """The population index of `number`; refused as the registers refuse it otherwise.

    MSG00011 malformed, MSG00005 unknown, MSG00006 replaced (with ``newSSIN``).
    """
    if not _ssin.is_valid(number, allow_test=True):
        raise Refused(ssdn_error("MSG00011", "invalid SSIN structure", operation=operation))
    index = ctx.population.index_of(number)
    if index is None:
        raise Refused(ssdn_error("MSG00005", "SSIN does not exist", operation=operation))
    replaced = ctx.population.replaced_by(index)
    if replaced is not None:
        raise Refused(ssdn_error("MSG00006", "SSIN has been replaced", operation=operation,
                                 newSSIN=str(ctx.population.ssin_of(replaced))))
    return index
