# terraform_data's ValidateResourceConfig: the computed id and output cannot be set
# (reported once, without a source range, as terraform does); triggers_replace and
# input take any value.
resource "terraform_data" "a" {
  id               = "x"
  output           = "y"
  input            = { a = 1 }
  triggers_replace = [1, "two", { three = 3 }]
}

resource "terraform_data" "b" {
  triggers_replace = null
}
