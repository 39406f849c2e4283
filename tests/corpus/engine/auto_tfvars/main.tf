variable "a" {
  type    = string
  default = "default-a"
}

variable "b" {
  type    = string
  default = "default-b"
}

variable "c" {
  type    = string
  default = "default-c"
}

variable "d" {
  type    = string
  default = "default-d"
}

resource "terraform_data" "vars" {
  input = {
    a = var.a
    b = var.b
    c = var.c
    d = var.d
  }
}

output "vars" {
  value = terraform_data.vars.output
}
