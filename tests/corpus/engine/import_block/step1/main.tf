import {
  to = terraform_data.imported
  id = "existing-object-1"
}

resource "terraform_data" "imported" {
  input = "adopted"
}

import {
  for_each = { a = "id-a", b = "id-b" }
  to       = terraform_data.many[each.key]
  id       = each.value
}

resource "terraform_data" "many" {
  for_each = toset(["a", "b", "c"])
}

output "imported_id" {
  value = terraform_data.imported.id
}
