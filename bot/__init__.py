"""backoffice-bot runtime: settings, database, Slack app, outbox, scheduler, console, CLI."""
