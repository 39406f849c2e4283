variable "name" {
  type = string
}

resource "terraform_data" "part" {
  input = var.name
}

output "name" {
  value = terraform_data.part.input
}
