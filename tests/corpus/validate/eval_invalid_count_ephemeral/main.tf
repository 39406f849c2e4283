# an ephemeral variable's value is unknown to validate, but its mark is not
variable "n" {
  default   = 1
  ephemeral = true
}

resource "terraform_data" "a" {
  count = var.n
}

module "m" {
  source = "./m"
  count  = var.n
}

# sensitive values are allowed in count
variable "s" {
  default   = 1
  sensitive = true
}

resource "terraform_data" "b" {
  count = var.s
}
