"""The Microsoft Teams adapter: Bot Framework activities in, Commands to pmbot's service, Adaptive Cards out.

Every import of the Bot Framework SDK (botbuilder, botframework) lives in this folder: its Python SDK is in
maintenance and Microsoft points to the Microsoft 365 Agents SDK, so a move to it touches this folder only.
"""

MESSAGES_PATH = "/api/messages"  # the bot's messaging endpoint, as registered with the Bot Framework
