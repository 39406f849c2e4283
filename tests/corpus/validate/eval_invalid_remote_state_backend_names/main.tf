# terraform_remote_state's backend is checked by terraform validate (the builtin
# provider's ValidateDataResourceConfig): unknown and removed backend names.
data "terraform_remote_state" "unknown" {
  backend = "nope"
  config = {
    path = "x.tfstate"
  }
}

data "terraform_remote_state" "removed" {
  backend = "etcd"
  config  = {}
}

data "terraform_remote_state" "renamed" {
  backend = "azure"
}

# the old spelling of "local" is still "local"
data "terraform_remote_state" "old_local" {
  backend = "_local"
  config = {
    pathh = "x.tfstate"
  }
}
