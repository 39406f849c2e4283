variable "v" {
  type    = number
  default = 2
}
locals {
  l = var.v
}
output "o" {
  value     = "z"
  sensitive = true
}
resource "terraform_data" "r" {
  lifecycle {
    create_before_destroy = true
  }
}
