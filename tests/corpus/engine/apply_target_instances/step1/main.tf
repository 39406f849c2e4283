# step1 applies what has no resource of module.m's; step2 and step3 apply with
# -target=module.m, which refers to terraform_data.r["a"] only: terraform plans every
# instance of r but its apply (the apply graph targeted again, at instance level)
# creates only what the target needs, and writes only the root outputs whose resources
# it all kept; the others keep their state values.
variable "v" {
  default = "1"
}

resource "terraform_data" "keep" {
  input = var.v
}

output "v" {
  value = var.v
}

output "gone" {
  value = "g"
}
