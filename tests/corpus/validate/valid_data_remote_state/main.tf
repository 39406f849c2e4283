data "terraform_remote_state" "net" {
  backend = "local"
  config = {
    path = "other.tfstate"
  }
  defaults = {
    vpc = "none"
  }
}
output "vpc" {
  value = data.terraform_remote_state.net.outputs.vpc
}
