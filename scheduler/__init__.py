"""Reminders and digests (to come): periodic sweeps over storage that post through a notifier."""
