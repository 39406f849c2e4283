# validate knows no variable's value, but a sensitive or ephemeral variable's unknown value
# still carries its mark, which for_each refuses
variable "s" {
  default   = ["a"]
  sensitive = true
}

variable "e" {
  type      = set(string)
  ephemeral = true
}

resource "terraform_data" "sensitive" {
  for_each = toset(var.s)
}

resource "terraform_data" "ephemeral" {
  for_each = var.e
}

module "m" {
  source   = "./m"
  for_each = toset(var.s)
}
