variable "name" {
  type = string
}

resource "terraform_data" "seed" {
  input = var.name
}

resource "terraform_data" "sg" {
  input = "sg-${terraform_data.seed.output}"
}

output "security_group_id" {
  value = terraform_data.sg.output
}

output "name" {
  value = var.name
}

output "name_length" {
  value = length(var.name)
}
