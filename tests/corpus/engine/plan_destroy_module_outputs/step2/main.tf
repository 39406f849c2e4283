# one module's outputs are another module's inputs (also in count and for_each):
# destroy must not evaluate them as an empty object
module "main_sg" {
  source = "./modules/sg"
  name   = "main"
}

module "rule" {
  source                   = "./modules/rule"
  source_security_group_id = module.main_sg.security_group_id
  copies                   = module.main_sg.name_length > 3 ? 2 : 1
}

module "many" {
  source = "./modules/sg"
  count  = 2
  name   = "many-${count.index}"
}

module "each" {
  source                   = "./modules/rule"
  for_each                 = { for i, m in module.many : m.name => i }
  source_security_group_id = module.many[each.value].security_group_id
  copies                   = each.value + 1
}

locals {
  all_rules = concat([module.rule.rule_id], [for k, m in module.each : m.rule_id])
}

resource "terraform_data" "summary" {
  input = local.all_rules
}

output "rules" {
  value = local.all_rules
}
