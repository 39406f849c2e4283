variable "s" {
  type      = string
  sensitive = true
}
variable "e" {
  type      = string
  ephemeral = true
}
output "a" {
  value = var.s
}
output "b" {
  value = { x = [var.s] }
}
output "c" {
  value = terraform.applying
}
data "terraform_remote_state" "d" {
  backend = "local"
  config = {
    path = var.e
  }
}
module "m" {
  source = "./m"
  e      = var.e
}
output "d" {
  value     = var.s
  sensitive = true
}
