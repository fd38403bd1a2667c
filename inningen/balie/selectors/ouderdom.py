"""Ageing buckets of overdue amounts (#19): one definition for the debtor page's summary and
the management dashboard, so both count the same days the same way."""

# (label, from, to) in days past the vervaldatum; to None for "and older".
OUDERDOM = (("0–30 dagen", 1, 30), ("31–60 dagen", 31, 60), ("61–90 dagen", 61, 90),
            ("meer dan 90 dagen", 91, None))  # fmt: skip
