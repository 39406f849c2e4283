resource "terraform_data" "svc" {
  for_each = toset(["a", "c", "d"])
  input    = "svc-${each.key}"
}
