"""Monthly cost estimates of AWS resources from a price snapshot shipped with sheath
(docs/cost.md): catalog (the snapshot), usage (infracost-usage.yml), pricing (what each
resource type costs), estimate (state and plan breakdowns), render (text, Markdown, JSON)."""
