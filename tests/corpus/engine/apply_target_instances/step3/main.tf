# the same configuration: with nothing else planned, module.m's variable is drawn to the one
# instance of r with a change, r["b"], which is now created, and outputs all and b written.
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
