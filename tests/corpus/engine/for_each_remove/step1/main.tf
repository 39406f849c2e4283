resource "terraform_data" "svc" {
  for_each = toset(["a", "b", "c"])
  input    = "svc-${each.key}"
}

resource "terraform_data" "gone_later" {
  for_each = { x = 1, y = 2 }
  input    = each.value
}
