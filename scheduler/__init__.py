"""Reminders and digests: periodic sweeps over storage that claim what fell due in an outbox and send
it through a platform-neutral notifier. Start with runner.py."""
