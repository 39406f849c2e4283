resource "terraform_data" "old_name" {
  input = "renamed"
}

resource "terraform_data" "each_old" {
  for_each = toset(["k1", "k2"])
  input    = each.key
}
