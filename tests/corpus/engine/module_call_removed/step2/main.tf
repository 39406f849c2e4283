# module.main_sg and module.many are gone: their objects are orphans, and the
# inputs that referred to their outputs are literals now
module "rule" {
  source                   = "./modules/rule"
  source_security_group_id = "sg-fixed"
  copies                   = 1
}

module "each" {
  source                   = "./modules/rule"
  for_each                 = { "many-0" = 0 }
  source_security_group_id = "sg-${each.key}"
  copies                   = 1
}

output "rule" {
  value = module.rule.rule_id
}
