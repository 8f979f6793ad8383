"""Human-readable text of SelfEmployed results, for the ``ksz self_employed ...`` commands."""

from __future__ import annotations

from ksz_client.services.self_employed.models import ContributionsResult

__all__ = ["contributions"]


def contributions(result: ContributionsResult) -> str:
    """One line per quarter: fund, payment situation, health-insurance entitlement."""
    from ksz_client.cli._output import table

    if not result.contributions:
        return f"no contributions known ({result.status.code})"
    return table(
        [(str(c.quarter), str(c.fund), str(c.situation), str(c.ziv) if c.ziv else "")
         for c in result.contributions],
        header=("quarter", "fund", "situation", "ZIV/AMI"))
