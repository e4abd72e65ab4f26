"""The Slack adapter: translates Slack requests into Commands and renders Replies as Block Kit."""

SLASH = "/pm"  # pmbot's slash command, as declared in manifest.yml
# The bot scopes pmbot asks for when a workspace installs it; manifest.yml declares the same ones.
BOT_SCOPES = ("commands", "chat:write", "users:read", "files:write")
