# terraform_data.r["b"] is planned, not applied; r["a"] and module.m.terraform_data.mr are
# created; outputs v, all and b are not written and gone (no longer declared) stays in state.
variable "v" {
  default = "2"
}

resource "terraform_data" "r" {
  for_each = toset(["a", "b"])
  input    = each.key
}

module "m" {
  source = "./m"
  v0     = "${terraform_data.r["a"].id}-${var.v}"
}

output "a" {
  value = terraform_data.r["a"].id
}

output "mo" {
  value = module.m.o
}

output "v" {
  value = var.v
}

output "all" {
  value = terraform_data.r
}

output "b" {
  value = terraform_data.r["b"].id
}
