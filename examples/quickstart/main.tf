variable "name" {
  type    = string
  default = "sheath"
}

locals {
  greeting = "Hello, ${var.name}!"
  letters  = [for c in split("", var.name) : upper(c)]
}

output "greeting" {
  value = local.greeting
}
