# A config that is not wholly known (or an unknown backend) is only type-checked by
# terraform validate: the unexpected argument is found at plan, not here.
variable "path" {
  type = string
}

variable "backend" {
  type = string
}

data "terraform_remote_state" "partly_unknown" {
  backend = "local"
  config = {
    path = var.path
    nope = 1
  }
}

data "terraform_remote_state" "unknown_backend" {
  backend = var.backend
  config = {
    nope = 1
  }
}

output "x" {
  value = [data.terraform_remote_state.partly_unknown.outputs, data.terraform_remote_state.unknown_backend.outputs]
}
