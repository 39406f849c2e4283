variable "list" {
  type    = list(string)
  default = ["a"]
}
resource "terraform_data" "a" {
  for_each = var.list
}
resource "terraform_data" "b" {
  for_each = ["a", "b"]
}
resource "terraform_data" "c" {
  count = "two"
}
resource "terraform_data" "d" {
  for_each = { a = 1 }
  input    = each.value.nope
}
locals {
  x = upper(1, 2)
  y = nofunc(1)
}
output "o" {
  value = [for s in var.list : s.x]
}
