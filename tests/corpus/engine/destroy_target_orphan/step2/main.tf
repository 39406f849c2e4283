# b, c and module.gone are only in state now: targets may still name them
resource "terraform_data" "a" {
  input = "a"
}

resource "terraform_data" "x" {
  input = "x"
}
