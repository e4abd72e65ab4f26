"""The console adapter: pmbot in a terminal, with no Slack or Teams account."""
