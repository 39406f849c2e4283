variable "x" {
  type      = string
  ephemeral = true
}
resource "terraform_data" "a" {
  input = var.x
}
output "o" {
  value = var.x
}
locals {
  a = sensitive("x")
}
output "s" {
  value = local.a
}
