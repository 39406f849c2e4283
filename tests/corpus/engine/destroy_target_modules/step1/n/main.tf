variable "seed" {
  type = string
}

resource "terraform_data" "x" {
  input = var.seed
}

resource "terraform_data" "y" {
  input = terraform_data.x.output
}
