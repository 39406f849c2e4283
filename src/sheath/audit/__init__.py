"""Audits: the trail of applied changes (``trail``), and reality checked against the
files and the state: drift of managed resources (``drift``) and resources no state
knows (``unmanaged``, enumerated through ``aws_inventory``, narrowed by ``filterexpr``).
The CLI commands ``sheath drift`` and ``sheath unmanaged`` are thin views over these
modules (docs/audit.md)."""
