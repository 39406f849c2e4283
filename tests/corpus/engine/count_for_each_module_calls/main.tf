variable "regions" {
  type = map(object({ zones = number }))
  default = {
    east = { zones = 2 }
    west = { zones = 1 }
  }
}

module "region" {
  source   = "./region"
  for_each = var.regions
  name     = each.key
  zones    = each.value.zones
}

module "disabled" {
  source = "./region"
  count  = 0
  name   = "never"
  zones  = 1
}

output "zones" {
  value = { for k, m in module.region : k => m.zone_ids }
}
