"""Business-language summaries of what the team wrote: by an LLM when one is configured, else offline.

Either way the result keeps every fact of its source and invents none (handlers/facts.py checks it).
"""
