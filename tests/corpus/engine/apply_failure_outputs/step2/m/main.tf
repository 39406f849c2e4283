variable "fail" {
  type = bool
}

variable "name" {
  type = string
}

resource "terraform_data" "r" {
  input = var.name
  provisioner "local-exec" {
    command = var.fail ? "exit 1" : "true"
  }
}

output "name" {
  value = terraform_data.r.output
}

output "static" {
  value = "s-${var.name}"
}
