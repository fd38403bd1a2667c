"""Demo data for ``manage.py demo``: development and demonstrations only."""
