"""High Impact Service Providers (HISPs): the services a team can pick when it says its service
is a designated HISP, and what OMB Circular A-11 Section 280 asks of a HISP, in our words.

The presets are the services the Partnership for Public Service profiled (shared/seeds/
pps-cx-profiles.txt); a team whose service is not among them types its own. The duties are the
ones issue 15 states; docs/content.md says where each fact comes from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    service: str
    provider: str  # the bureau and department, as the profile names them


PROFILES = (
    Profile("Airport Security Screening and Passenger Support Services",
            "Transportation Security Administration, Department of Homeland Security"),
    Profile("Citizenship and Immigration Applicant Services",
            "U.S. Citizenship and Immigration Services, Department of Homeland Security"),
    Profile("Customs Airport Security and Screening Service",
            "Customs and Border Protection, Department of Homeland Security"),
    Profile("Farm Loan and Conservation Services",
            "Farm Production and Conservation Mission Area, Department of Agriculture"),
    Profile("Federal Student Aid Services",
            "Office of Federal Student Aid, Department of Education"),
    Profile("Individual Assistance Disaster Relief Programs",
            "Federal Emergency Management Agency, Department of Homeland Security"),
    Profile("Individual Taxpayer Services", "Internal Revenue Service, Department of the Treasury"),
    Profile("Medicare Customer Support Services",
            "Centers for Medicare and Medicaid Services, Department of Health and Human Services"),
    Profile("Outdoor Recreation Reservations for Federal Lands",
            "Recreation.gov, a multi-agency initiative"),
    Profile("Outpatient Health Care Services for Veterans",
            "Veterans Health Administration, Department of Veterans Affairs"),
    Profile("Passport Services", "Bureau of Consular Affairs, Department of State"),
    Profile("Retirement Services for Federal Employees", "Office of Personnel Management"),
    Profile("Social Security Retirement Services", "Social Security Administration"),
    Profile("Trademark Registration and Maintenance",
            "U.S. Patent and Trademark Office, Department of Commerce"),
    Profile("USAID Partner Services", "U.S. Agency for International Development"),
    Profile("Veterans Education and Training Benefits",
            "Veterans Benefits Administration, Department of Veterans Affairs"),
)
PROFILE_NAMES = tuple(profile.service for profile in PROFILES)
OTHER = "other"  # the choice for a service that is not among the profiles

# What A-11 Section 280 asks of a designated HISP, in our words (the plan and results say it).
DUTIES = (
    "Assess your CX capacity every year and write an action plan. This assessment and its plan "
    "can feed both.",
    "Ask customers for feedback right after a transaction, using the standard trust and "
    "satisfaction questions, and report the results each quarter.",
    "Get Paperwork Reduction Act clearance before you survey ten or more people.",
)


def profile(service: str | None) -> Profile | None:
    """The profile of a preset service, or None for a service the team typed."""
    return next((p for p in PROFILES if p.service == service), None)
