"""The Slack adapter: translates Slack requests into Commands and renders Replies as Block Kit."""

SLASH = "/pm"  # pmbot's slash command, as declared in manifest.yml
