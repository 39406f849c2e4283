data "terraform_remote_state" "network" {
  backend = "local"
  config = {
    path = "${path.module}/network.tfstate"
  }
}

resource "terraform_data" "uses_remote" {
  input = {
    vpc     = data.terraform_remote_state.network.outputs.vpc_id
    subnets = data.terraform_remote_state.network.outputs.subnets
  }
}

output "remote_vpc" {
  value = data.terraform_remote_state.network.outputs.vpc_id
}

output "remote_secret" {
  value     = data.terraform_remote_state.network.outputs.secret
  sensitive = true
}
