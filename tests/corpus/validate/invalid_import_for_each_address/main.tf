import {
  for_each = ["a", "b"]
  to       = invalid[each.value]
  id       = each.value
}
resource "terraform_data" "test" {
  for_each = toset(["a", "b"])
}
