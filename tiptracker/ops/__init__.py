"""Running the service: health checks for the proxy, request ids in the logs, JSON log lines
(docs/deployment.md). Backup and restore live in tiptracker/backup.py."""
