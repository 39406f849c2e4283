variable "wid" {
  type = string
}

data "terraform_remote_state" "in_module" {
  backend = "local"
  config = {
    path = var.wid != "" ? "${path.root}/shared.tfstate" : "none"
  }
}

module "inner" {
  source = "./inner"
}

output "name" {
  value = data.terraform_remote_state.in_module.outputs.name
}

output "inner" {
  value = module.inner.name
}
