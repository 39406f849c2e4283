variable "name" {
  type = string
}

variable "zones" {
  type = number
}

module "zone" {
  source = "./zone"
  count  = var.zones
  label  = "${var.name}-${count.index}"
}

output "zone_ids" {
  value = module.zone[*].label
}
