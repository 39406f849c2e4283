"""Guardrails on plans: policies evaluated against the planned changes.

  planinput   what policies see: the plan's resources, from terraform's JSON plan
  model       rules, enforcement levels, findings, reports
  aws         the built-in AWS rule pack (Checkov and Trivy ids)
  evaluate    running rules: levels, inline skips, the ignore file, source lines
  report      human, JSON, SARIF, JUnit and GitHub annotation output
"""
