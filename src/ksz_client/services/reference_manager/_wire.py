"""ReferenceManager.consult on the wire: ConsultOtherSectorsCriteria / ConsultOtherSectorsResult.

Modelled (no public contract; see ``wsdl/ssdn/ReferenceManager.xsd``). Elements
are qualified in the ReferenceManagerFacade namespace, periods are
``common:StartingPeriodType`` and descriptions ``common:DescriptionType``.
The client writes criteria and reads results; the sandbox does the opposite
with the same code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from lxml import etree

from ksz_client import _ssdn, _xml, catalogue
from ksz_client._exceptions import InvalidSsin, ResponseError
from ksz_client.services.manage_access._wire import read_period, write_period
from ksz_client.services.reference_manager.models import Descriptions, SectorIntegration
from ksz_client.ssin import Ssin, mask
from ksz_client.types import Period

__all__ = ["NS", "Criteria", "read_criteria", "read_result", "write_criteria", "write_result"]

NS: Final = catalogue.get("ReferenceManager").namespace
_R: Final = f"{{{NS}}}"


@dataclass(frozen=True)
class Criteria:
    """What ``ConsultOtherSectorsCriteria`` asks."""

    quality_code: int
    ssin: str
    integrated_period: Period
    requested_period: Period
    descriptions: bool

    def __repr__(self) -> str:
        # The SSIN stays out of reprs (and so out of logs and assertion messages).
        return (f"Criteria(quality_code={self.quality_code}, ssin={mask(self.ssin)!r}, "
                f"integrated_period={self.integrated_period}, "
                f"requested_period={self.requested_period})")


def write_criteria(payload: _xml.Element, criteria: Criteria) -> None:
    etree.SubElement(payload, f"{_R}QualityCodeRequestor").text = str(criteria.quality_code)
    etree.SubElement(payload, f"{_R}RequestedSsin").text = criteria.ssin
    write_period(payload, f"{_R}IntegratedPeriod", criteria.integrated_period)
    write_period(payload, f"{_R}RequestedPeriod", criteria.requested_period)
    etree.SubElement(payload, f"{_R}FetchDescriptions").text = (
        "true" if criteria.descriptions else "false")


def read_criteria(payload: _xml.Element) -> Criteria:
    """The criteria of a schema-valid request (the sandbox's side)."""
    return Criteria(
        quality_code=int(_xml.req_text(payload, f"{_R}QualityCodeRequestor")),
        ssin=_xml.req_text(payload, f"{_R}RequestedSsin"),
        integrated_period=read_period(_xml.req(payload, f"{_R}IntegratedPeriod")),
        requested_period=read_period(_xml.req(payload, f"{_R}RequestedPeriod")),
        descriptions=_xml.opt_text(payload, f"{_R}FetchDescriptions") in ("true", "1"),
    )


def _write_descriptions(parent: _xml.Element, tag: str, texts: Descriptions | None) -> None:
    if texts is None:
        return
    for lang, text in (("nl", texts.nl), ("fr", texts.fr)):
        if text:
            el = etree.SubElement(parent, f"{_R}{tag}", lang=lang)
            el.text = text


def _read_descriptions(parent: _xml.Element, tag: str) -> Descriptions | None:
    texts = {el.get("lang"): (el.text or "").strip() or None
             for el in parent.iterfind(f"{_R}{tag}")}
    if not texts:
        return None
    return Descriptions(nl=texts.get("nl"), fr=texts.get("fr"))


def write_result(ssin: str, integrations: list[SectorIntegration]) -> _xml.Element:
    result = etree.Element(f"{_R}ConsultOtherSectorsResult",
                           nsmap={"rm": NS, "common": _ssdn.SSDN_COMMON_NS})
    etree.SubElement(result, f"{_R}RequestedSsin").text = ssin
    for i in integrations:
        item = etree.SubElement(result, f"{_R}Consultation")
        etree.SubElement(item, f"{_R}Sector").text = str(i.sector)
        etree.SubElement(item, f"{_R}QualityCode").text = str(i.quality_code)
        write_period(item, f"{_R}Period", i.period)
        _write_descriptions(item, "SectorDescription", i.sector_description)
        _write_descriptions(item, "QualityCodeDescription", i.quality_description)
    return result


def _code(parent: _xml.Element, name: str) -> int:
    value = _xml.opt_int(parent, f"{_R}{name}")
    if value is None:
        raise ResponseError(f"a Consultation lacks its {name}")
    return value


def read_result(result: _xml.Element) -> tuple[Ssin, tuple[SectorIntegration, ...]]:
    """Read a ConsultOtherSectorsResult; unknown extra elements are ignored."""
    if result.tag != f"{_R}ConsultOtherSectorsResult":
        raise ResponseError("the answer is not a ConsultOtherSectorsResult")
    try:
        ssin = Ssin(_xml.req_text(result, f"{_R}RequestedSsin"), allow_test=True)
    except InvalidSsin:
        raise ResponseError("the answer carries a malformed SSIN") from None
    return ssin, tuple(
        SectorIntegration(
            sector=_code(item, "Sector"),
            quality_code=_code(item, "QualityCode"),
            period=read_period(_xml.req(item, f"{_R}Period")),
            sector_description=_read_descriptions(item, "SectorDescription"),
            quality_description=_read_descriptions(item, "QualityCodeDescription"),
        )
        for item in result.iterfind(f"{_R}Consultation")
    )
