resource "terraform_data" "new_name" {
  input = "renamed"
}

moved {
  from = terraform_data.old_name
  to   = terraform_data.new_name
}

resource "terraform_data" "each_new" {
  for_each = toset(["k1", "k2"])
  input    = each.key
}

moved {
  from = terraform_data.each_old
  to   = terraform_data.each_new
}
