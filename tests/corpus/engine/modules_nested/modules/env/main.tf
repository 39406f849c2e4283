variable "name" {
  type = string
}

variable "apps" {
  type = list(string)
}

resource "terraform_data" "env" {
  input = var.name
}

module "app" {
  source   = "../app"
  for_each = toset(var.apps)
  env      = var.name
  app      = each.key
}

output "summary" {
  value = {
    name = terraform_data.env.input
    apps = { for k, m in module.app : k => m.label }
  }
}
