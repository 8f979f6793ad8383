"""Sandbox handler of EnterpriseFiscalDebt V2 (official contract in set-b).

The SDK does not ship a typed client for it: it is the demonstration of
`ksz_client.generic` (a service declared from the official WSDL). Debts are
derived from the enterprise number, deterministically: numbers whose last
digit is odd have a fiscal debt.
"""

from __future__ import annotations

import hashlib

from ksz_client import _xml
from ksz_client.sandbox.handlers import Answer, HandlerContext, handles, status


@handles("EnterpriseFiscalDebt", "checkEnterpriseDebt")
def check_enterprise_debt(ctx: HandlerContext, request: _xml.Element) -> Answer:
    number = _xml.opt_text(request, "criteria/enterpriseNumber") or ""
    include_amount = _xml.opt_text(request, "criteria/includeAmount") in ("true", "1")
    if len(number) != 10 or not number.isdigit() or number[0] not in "01":
        return Answer(status("NO_RESULT", "MSG00008"))
    digest = hashlib.sha256(number.encode()).digest()
    has_debt = int(number[-1]) % 2 == 1

    def fill(response: _xml.Element) -> None:
        # The contract's fiscalDebt follows criteria and status (no result wrapper).
        debt = _xml.sub(response, "fiscalDebt")
        _xml.sub(debt, "hasFiscalDebt", "true" if has_debt else "false")
        _xml.sub(debt, "statusDate", ctx.today.isoformat())
        if include_amount and has_debt:
            cents = int.from_bytes(digest[:3], "big") % 5_000_000 + 100
            _xml.sub(debt, "amount", f"{cents // 100}.{cents % 100:02d}")

    return Answer(status("DATA_FOUND", "MSG00000"), fill, wrapper=None)
