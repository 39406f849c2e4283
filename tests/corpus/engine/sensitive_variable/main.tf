variable "password" {
  type      = string
  sensitive = true
}

variable "settings" {
  type = object({
    user  = string
    token = string
  })
  default = {
    user  = "admin"
    token = "t0k3n"
  }
  sensitive = true
}

variable "plain" {
  type    = string
  default = "visible"
}

resource "terraform_data" "creds" {
  input = {
    password = var.password
    plain    = var.plain
  }
}

resource "terraform_data" "whole" {
  input = var.settings
}

resource "terraform_data" "derived" {
  input = "${var.plain}-${length(var.password)}"
}

output "creds" {
  value     = terraform_data.creds.output
  sensitive = true
}

output "plain" {
  value = var.plain
}

output "user" {
  value     = var.settings.user
  sensitive = true
}
