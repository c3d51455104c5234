"""Commands for this area are added here."""

COMMANDS = []
