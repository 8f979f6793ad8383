"""OCMWCPASHouseholdIncome V1: the household income for the heating allowance (modelled)."""

from ksz_client.services.household_income.models import (
    HouseholdIncome,
    HouseholdIncomeResult,
    MemberIncome,
    Relationship,
)
from ksz_client.services.household_income.service import HouseholdIncomeService

__all__ = ["HouseholdIncome", "HouseholdIncomeResult", "HouseholdIncomeService", "MemberIncome",
           "Relationship"]
