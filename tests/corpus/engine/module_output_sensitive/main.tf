# A child module's output declared sensitive is not sensitive for its caller:
# terraform 1.11 carries only the marks the value itself holds (here
# var.secret's), so a for expression or a whole list without them is a plain
# value, and only what holds the secret needs sensitive = true.
module "m" {
  source = "./m"
}

output "names" {
  value = [for k, v in module.m.items : v.name]
}

output "keys" {
  value = { for k, v in module.m.items : k => v.name }
}

output "upper" {
  value = [for x in module.m.plain_list : upper(x)]
}

output "whole_list" {
  value = module.m.plain_list
}

output "whole_items" {
  value     = module.m.items
  sensitive = true
}

resource "terraform_data" "uses" {
  input = {
    list   = module.m.plain_list
    secret = module.m.items.a.secret
  }
}
