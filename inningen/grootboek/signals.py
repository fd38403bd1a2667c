"""Domain events other apps subscribe to. Sent inside the writing transaction, so a receiver
that records something (the StUF outbox) commits or rolls back together with the change."""

from django.dispatch import Signal

# Sent with statussen=list[Vorderingstatus] (saved history rows) after status changes.
vorderingstatussen_vastgelegd = Signal()
