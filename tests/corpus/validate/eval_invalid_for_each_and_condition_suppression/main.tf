resource "terraform_data" "a" {
  for_each = toset([1 + "x"])
  input    = each.value
}
resource "terraform_data" "b" {
  input = terraform_data.a["k"].output
  lifecycle {
    precondition {
      condition     = 1 + "y"
      error_message = "x"
    }
    replace_triggered_by = [terraform_data.c]
  }
}
resource "terraform_data" "c" {
  triggers_replace = local.l
}
locals {
  l = [for x in var.nope : x]
}
ephemeral "terraform_data" "e" {}
