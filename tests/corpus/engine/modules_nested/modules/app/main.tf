variable "env" {
  type = string
}

variable "app" {
  type = string
}

resource "terraform_data" "app" {
  input = "${var.env}/${var.app}"
}

resource "terraform_data" "replicas" {
  count = 2
  input = "${terraform_data.app.input}#${count.index}"
}

output "label" {
  value = terraform_data.app.input
}
