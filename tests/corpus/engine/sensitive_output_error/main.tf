variable "secret" {
  type      = string
  default   = "hidden"
  sensitive = true
}

resource "terraform_data" "s" {
  input = var.secret
}

output "leak" {
  value = terraform_data.s.input
}
