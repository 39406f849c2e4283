# One module instance fails to apply: the root outputs the plan already knew are
# kept in the state (terraform's apply starts from the plan's prior state, where
# its plan walk put them), the one that waits for the failed object is not.
module "p" {
  source   = "./m"
  for_each = { a = false, b = true }
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
