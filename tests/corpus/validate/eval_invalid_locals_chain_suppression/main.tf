locals {
  a = var.nope
  b = local.a + var.nope2
  c = 1 + "x"
}
output "x" {
  value = local.b
}
output "y" {
  value = local.c + var.nope3
}
variable "v" {
  type = number
  validation {
    condition     = var.v > local.c
    error_message = "x"
  }
}
