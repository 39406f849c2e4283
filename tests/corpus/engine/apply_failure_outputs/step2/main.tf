


module "p" {
  source   = "./m"
  for_each = { a = false, b = false }
  fail     = each.value
  name     = each.key
}

output "names" {
  value = { for k, v in module.p : k => v.name }
}

output "statics" {
  value = { for k, v in module.p : k => v.static }
}

output "plain" {
  value = "x"
}
