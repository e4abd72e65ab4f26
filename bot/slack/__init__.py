"""The Slack adapter: translates Slack requests into Commands and renders Replies as Block Kit."""
