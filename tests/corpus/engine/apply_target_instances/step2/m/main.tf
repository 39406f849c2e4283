variable "v0" {}

resource "terraform_data" "mr" {
  input = var.v0
}

output "o" {
  value = terraform_data.mr.output
}
