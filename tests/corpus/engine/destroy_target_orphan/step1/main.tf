resource "terraform_data" "a" {
  input = "a"
}

resource "terraform_data" "b" {
  input = terraform_data.a.output
}

resource "terraform_data" "c" {
  input = terraform_data.b.output
}

resource "terraform_data" "x" {
  input = "x"
}

module "gone" {
  source = "./gone"
  input  = terraform_data.x.output
}
