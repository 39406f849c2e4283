"""Views: how a command presents its results (human text, JSON, Markdown)."""
