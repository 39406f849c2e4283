variable "label" {
  type = string
}

resource "terraform_data" "zone" {
  input = var.label
}

output "label" {
  value = terraform_data.zone.input
}
