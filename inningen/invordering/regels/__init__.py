"""Pure calculation rules of collection: costs, interest, due dates, banking days. No database:
the services load the dated tables and pass them in, so a run computes 100,000 claims in memory.
"""
