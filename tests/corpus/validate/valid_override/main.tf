variable "v" {
  type    = string
  default = "a"
}
locals {
  l = 1
}
output "o" {
  value = local.l
}
resource "terraform_data" "r" {
  input = "x"
  lifecycle {
    create_before_destroy = false
  }
}
