"""Running tracker in production: the pre-flight check (`flask doctor`), backup and restore (`flask backup`),
health and readiness probes, Prometheus metrics and one log line per request.

The top layer: it reads every area's tables and state, and no area imports it.
"""
