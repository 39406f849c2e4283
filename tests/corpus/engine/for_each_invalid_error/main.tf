resource "terraform_data" "bad" {
  for_each = [{ name = "a" }, { name = "b" }]
  input    = each.value.name
}
