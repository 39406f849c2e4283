variable "env" {
  type = string
}

variable "parts" {
  type = list(string)
}

module "part" {
  source   = "./part"
  for_each = toset(var.parts)
  name     = "${var.env}-${each.key}"
}

output "ids" {
  value = { for k, p in module.part : k => p.name }
}
