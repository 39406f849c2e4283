"""One module per command; each exposes run(args: list[str]) -> int."""
