"""The quarterly progress report (季度进展报告) of a round: content, charts, PDF and Word.

``content.report_content`` gathers everything the report says from the round,
its obligations and the indicators; ``pdf`` and ``docx`` lay the same content
out; ``tasks.generate_quarterly_report`` runs both in the background and stores
the files; ``services.quarterly_report_request`` is the one way to ask for it.
"""
