variable "name" {
  type = string
}

resource "terraform_data" "a" {
  input = var.name
}

resource "terraform_data" "b" {
  input = "${terraform_data.a.output}-b"
}

resource "terraform_data" "other" {
  input = var.name
}

output "last" {
  value = terraform_data.b.output
}
