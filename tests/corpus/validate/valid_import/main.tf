resource "terraform_data" "a" {}
import {
  to = terraform_data.a
  id = "abc"
}
resource "terraform_data" "b" {
  for_each = toset(["x", "y"])
}
import {
  for_each = toset(["x", "y"])
  to       = terraform_data.b[each.key]
  id       = each.value
}
