"""Messages to officers: composing reminders and escalations, and the channels that deliver
them (console, ``.eml`` files, memory for tests; SMTP and chat channels come with issue 4)."""
