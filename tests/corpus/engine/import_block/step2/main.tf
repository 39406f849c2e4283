import {
  to = terraform_data.imported
  id = "existing-object-1"
}

resource "terraform_data" "imported" {
  input = "adopted"
}

resource "terraform_data" "many" {
  for_each = toset(["a", "b", "c"])
}

output "imported_id" {
  value = terraform_data.imported.id
}
