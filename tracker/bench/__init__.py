"""The benchmark (`python -m tracker.bench`): a province-sized dataset and the figures the issue sets targets for.

Not a test: it builds the data, serves the app with gunicorn, loads it with wrk, runs the reminder
sweep and the reports in subprocesses, and prints each figure next to its target.
"""
