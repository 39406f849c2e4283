variable "envs" {
  type    = list(string)
  default = ["dev", "qa", "prod"]
}

module "stack" {
  source = "./stack"
  count  = length(var.envs)
  env    = var.envs[count.index]
  parts  = ["api", "db"]
}

module "keyed" {
  source   = "./stack"
  for_each = toset(var.envs)
  env      = each.key
  parts    = ["api"]
}

output "stacks" {
  value = module.stack[*].ids
}
