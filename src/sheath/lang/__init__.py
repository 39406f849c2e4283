"""The Terraform language: HCL syntax (native and JSON), evaluation, functions."""
