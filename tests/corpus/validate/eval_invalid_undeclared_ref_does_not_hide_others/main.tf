resource "terraform_data" "a" {
  input = var.nope
}

resource "terraform_data" "b" {
  input = 1 + "x"
}

resource "terraform_nope" "z" {}
